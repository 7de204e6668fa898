package io.trapline.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code --model} value: {@code [MODEL][,key=value...]}, e.g. {@code e1000,mitigation=off} or just
 * {@code mitigation=off} (keep the recorded model, change one option).
 */
record ModelSpec(String model, Map<String, String> options) {

    static ModelSpec parse(String text) {
        String model = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                if (model != null) {
                    throw new UserError("--model: two model names ('" + model + "', '" + p + "'); options are key=value");
                }
                model = p;
            } else if (eq == 0 || eq == p.length() - 1) {
                throw new UserError("--model: '" + p + "' is not key=value");
            } else {
                options.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
        }
        if (model == null && options.isEmpty()) {
            throw new UserError("--model: empty (give a model, e.g. e1000, and/or key=value options)");
        }
        return new ModelSpec(model, options);
    }
}
