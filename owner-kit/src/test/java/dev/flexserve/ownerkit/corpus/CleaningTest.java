package dev.flexserve.ownerkit.corpus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cleaning rules of docs/data.md on samples in the sources' formats, and the seeded split. */
class CleaningTest {

    @Test
    void brownTagsAreStrippedAndTokensJoined() {
        String tagged = "\n\n\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at investigation/nn "
                + "of/in Atlanta's/np$ recent/jj primary/nn election/nn produced/vbd ``/`` no/at evidence/nn ''/'' that/cs "
                + "any/dti irregularities/nns took/vbd place/nn ./.\n\n\n\tIt/pps did/dod n't/* say/vb ,/, however/rb ./.\n";
        assertThat(Cleaning.brown(tagged)).isEqualTo("The Fulton County Grand Jury said Friday an investigation of Atlanta's "
                + "recent primary election produced \"no evidence\" that any irregularities took place.\n\nIt didn't say, however.");
    }

    @Test
    void metamathProofsAreRemovedAndSectionsSplit() {
        String db = "$( header $)\n  ax-1 $a |- ( ph -> ( ps -> ph ) ) $.\n\n$(\n#*#*#*#*\n  Section one\n#*#*#*#*\n$)\n"
                + "  $( A theorem with a long enough comment to be kept as a document of its own, repeated to pass the minimum length"
                + " of two hundred characters that the cleaning keeps for a section. $)\n"
                + "  idi $p |- ph $=\n    ( wi ax-mp ) ABCD $.\n";
        List<String> docs = Cleaning.metamath(db);
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0)).contains("idi $p |- ph $.").doesNotContain("ax-mp").startsWith("$(\n#*#*");
    }

    @Test
    void bibleChaptersAreDocuments() {
        String text = "\nGenesis 1\n\n  1 In the beginning God created the heaven and the earth.\n  2 And the earth was without form.\n\n"
                + "Genesis 2\n\n  1 Thus the heavens and the earth were finished.\n";
        List<String> docs = Cleaning.bibleChapters(text);
        assertThat(docs).hasSize(2);
        assertThat(docs.get(1)).startsWith("Genesis 2\n\n  1 Thus");
    }

    @Test
    void licenceHeadersAreStrippedFromCode() {
        String src = "/*\n * Licensed to the Apache Software Foundation (ASF) under one\n */\npackage a.b;\n\nclass C {}\n";
        assertThat(Cleaning.code(src)).isEqualTo("package a.b;\n\nclass C {}");
    }

    @Test
    void splitsAreDisjointSeededAndComplete() {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            docs.add("doc " + i);
        }
        Splits.Split a = Splits.split(docs, 7);
        Splits.Split b = Splits.split(docs, 7);
        assertThat(a).isEqualTo(b);
        assertThat(a.test()).hasSize(5);
        assertThat(a.valid()).hasSize(5);
        assertThat(a.train()).hasSize(90);
        HashSet<String> all = new HashSet<>(a.train());
        all.addAll(a.valid());
        all.addAll(a.test());
        assertThat(all).hasSize(100);
        assertThat(Splits.split(docs, 8).test()).isNotEqualTo(a.test());
    }
}
