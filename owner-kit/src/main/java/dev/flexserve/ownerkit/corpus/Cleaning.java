package dev.flexserve.ownerkit.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The cleaning rules of each demo corpus (docs/data.md). Pure functions, tested on small samples. */
public final class Cleaning {
    private Cleaning() {
    }

    /** Unix newlines, no trailing spaces, at most one blank line in a row, no leading/trailing blank lines. */
    public static String normalise(String text) {
        String t = text.replace("\r\n", "\n").replace('\r', '\n').replace("\t", "    ");
        t = t.replaceAll("[ \\u00a0]+\n", "\n").replaceAll("\n{3,}", "\n\n");
        return t.strip();
    }

    private static final Pattern TAG = Pattern.compile("/[^\\s/]+(?=\\s|$)");

    /**
     * The Brown corpus: {@code word/tag} tokens separated by spaces, one sentence per line, paragraphs by blank
     * lines. Strips the tags and undoes the tokenisation (no space before punctuation, {@code `` ''} to quotes).
     */
    public static String brown(String tagged) {
        StringBuilder out = new StringBuilder();
        for (String para : tagged.replace("\r", "").split("\n\\s*\n")) {
            StringBuilder p = new StringBuilder();
            for (String line : para.split("\n")) {
                String words = TAG.matcher(line.strip()).replaceAll("");
                if (words.isBlank()) {
                    continue;
                }
                if (p.length() > 0) {
                    p.append(' ');
                }
                p.append(detokenise(words));
            }
            if (p.length() > 0) {
                if (out.length() > 0) {
                    out.append("\n\n");
                }
                out.append(p);
            }
        }
        return out.toString();
    }

    static String detokenise(String s) {
        String t = " " + s.replaceAll("\\s+", " ") + " ";
        t = t.replace(" `` ", " \"").replace(" '' ", "\" ").replace("``", "\"").replace("''", "\"");
        t = t.replaceAll(" ([,.;:?!)%])", "$1").replaceAll("([($]) ", "$1").replaceAll(" (n't|'s|'re|'ve|'ll|'d|'m)\\b", "$1");
        t = t.replace(" - - ", " -- ");
        return t.strip();
    }

    private static final Pattern APACHE_HEADER = Pattern.compile("\\A\\s*/\\*.*?\\*/\\s*", Pattern.DOTALL);

    /** A Java source file without its leading licence comment (which would teach the code expert licence text). */
    public static String code(String source) {
        String t = source;
        var m = APACHE_HEADER.matcher(t);
        if (m.find() && (m.group().contains("Licensed") || m.group().contains("Copyright") || m.group().contains("License"))) {
            t = t.substring(m.end());
        }
        return normalise(t);
    }

    private static final Pattern PROOF = Pattern.compile("\\$=.*?\\$\\.", Pattern.DOTALL);
    private static final Pattern SECTION = Pattern.compile("\n(?=\\$\\(\\s*\n\\s*(#\\*#\\*|=-=-|-\\.-\\.))");

    /** Metamath: proofs removed ({@code $= ... $.} becomes {@code $.}), one document per (sub)section. */
    public static List<String> metamath(String database) {
        String stripped = PROOF.matcher(database.replace("\r", "")).replaceAll(java.util.regex.Matcher.quoteReplacement("$."));
        List<String> docs = new ArrayList<>();
        for (String part : SECTION.split(stripped)) {
            String t = normalise(part);
            if (t.length() > 200) {
                docs.add(t);
            }
        }
        return docs;
    }

    private static final Pattern CHAPTER = Pattern.compile("(?m)^(?=\\S[^\\n]* \\d+\\s*$)");

    /** The output of {@code bible}: a heading line "Book N" before each chapter; one document per chapter. */
    public static List<String> bibleChapters(String text) {
        List<String> docs = new ArrayList<>();
        for (String part : CHAPTER.split(text.replace("\r", ""))) {
            String t = normalise(part);
            if (!t.isBlank() && t.contains("\n")) {
                docs.add(t);
            }
        }
        return docs;
    }
}
