package dev.flexserve.attribution.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads one JSON object strictly: every field is taken by name and type, a missing or mistyped field fails with
 * its path, and {@link #rejectUnread} fails on any field nobody asked for (a misspelt field must not vanish).
 */
final class JsonFields {
    interface Reader<T> {
        T read(JsonFields fields) throws InvalidEventException;
    }

    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    private JsonFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static JsonFields of(JsonNode node, String path) throws InvalidEventException {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(path + " must be a JSON object, got " + describe(node));
        }
        return new JsonFields(node, path);
    }

    /** Where this object is in the document, such as {@code data.experts[2]}. */
    String where() {
        return path;
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    String text(String field) throws InvalidEventException {
        JsonNode v = required(field);
        if (!v.isTextual()) {
            throw new InvalidEventException(path(field) + " must be a string, got " + describe(v));
        }
        return v.textValue();
    }

    /** A field that must be present, as a string or as {@code null}. */
    String textOrNull(String field) throws InvalidEventException {
        JsonNode v = required(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidEventException(path(field) + " must be a string or null, got " + describe(v));
        }
        return v.textValue();
    }

    int integer(String field) throws InvalidEventException {
        JsonNode v = required(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidEventException(path(field) + " must be an integer, got " + describe(v));
        }
        return v.intValue();
    }

    double number(String field) throws InvalidEventException {
        JsonNode v = required(field);
        if (!v.isNumber()) {
            throw new InvalidEventException(path(field) + " must be a number, got " + describe(v));
        }
        return v.doubleValue();
    }

    JsonFields object(String field) throws InvalidEventException {
        return of(required(field), path(field));
    }

    <T> List<T> list(String field, Reader<T> element) throws InvalidEventException {
        JsonNode v = required(field);
        if (!v.isArray()) {
            throw new InvalidEventException(path(field) + " must be an array, got " + describe(v));
        }
        List<T> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonFields item = of(v.get(i), path(field) + "[" + i + "]");
            out.add(element.read(item));
            item.rejectUnread(name -> false);
        }
        return out;
    }

    /** Fails on a field that was not read, unless {@code allowed} accepts its name. */
    void rejectUnread(Predicate<String> allowed) throws InvalidEventException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!read.contains(name) && !allowed.test(name)) {
                throw new InvalidEventException(path(name) + " is not a field of this schema");
            }
        }
    }

    private JsonNode required(String field) throws InvalidEventException {
        read.add(field);
        JsonNode v = node.get(field);
        if (v == null) {
            throw new InvalidEventException(path(field) + " is missing");
        }
        return v;
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        JsonNodeType type = v.getNodeType();
        String text = v.toString();
        return type.name().toLowerCase(Locale.ROOT) + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
