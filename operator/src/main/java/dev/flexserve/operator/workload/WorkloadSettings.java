package dev.flexserve.operator.workload;

/**
 * What every expert workload shares: the generic expert-service image, the Secret holding the platform credential,
 * and where KEDA reads the per-expert load from.
 *
 * @param image          the generic expert-service image
 * @param secretName     Secret (in the expert's namespace) with the platform credential
 * @param secretKey      key of the credential in that Secret
 * @param prometheusUrl  Prometheus that scrapes the expert pods' {@code /q/metrics}
 * @param rowsPerReplica in-flight rows one replica is meant to carry (KEDA's target value)
 */
public record WorkloadSettings(String image, String secretName, String secretKey, String prometheusUrl,
                               int rowsPerReplica) {
}
