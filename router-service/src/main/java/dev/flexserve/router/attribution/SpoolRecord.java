package dev.flexserve.router.attribution;

/** One spooled event: its Kafka key (the request id) and value (the encoded event), exactly as they will be sent. */
record SpoolRecord(String key, byte[] value) {
}
