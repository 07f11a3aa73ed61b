package dev.flexserve.ownerkit.evaluation;

import dev.flexserve.ownerkit.OwnerKitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** quality --update rewrites only its own section of docs/quality.md. */
class GeneratedSectionTest {

    @Test
    void onlyTheSectionBetweenTheMarkersChanges(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("quality.md");
        Files.writeString(md, "# Title\n\nprose\n" + GeneratedSection.BEGIN + "\nold table\n" + GeneratedSection.END + "\n\nmore prose\n");
        GeneratedSection.replace(md, "| new | table |\n");
        assertThat(Files.readString(md)).isEqualTo("# Title\n\nprose\n" + GeneratedSection.BEGIN + "\n\n| new | table |\n\n"
                + GeneratedSection.END + "\n\nmore prose\n");
    }

    @Test
    void aFileWithoutTheSectionIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("other.md");
        Files.writeString(md, "no markers\n");
        assertThatThrownBy(() -> GeneratedSection.replace(md, "x")).isInstanceOf(OwnerKitException.class).hasMessageContaining("no <!--");
        assertThat(Files.readString(md)).isEqualTo("no markers\n");
    }
}
