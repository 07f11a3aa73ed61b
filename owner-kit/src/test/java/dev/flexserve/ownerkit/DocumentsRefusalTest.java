package dev.flexserve.ownerkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input is refused with one line that names the problem, before any training starts. */
class DocumentsRefusalTest {

    @Test
    void emptyBinaryAndWrongTrunkInputsAreRefusedWithOneLine(@TempDir Path dir) throws Exception {
        Path publicSet = TinyModels.publicSet();
        Path empty = Files.writeString(dir.resolve("empty.txt"), "  \n");
        Path binary = Files.write(dir.resolve("data.bin"), new byte[]{'P', 'K', 3, 4, 0, 0, 1, 2});
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[]{'c', 'a', 'f', (byte) 0xe9, '\n'});
        Path emptyDir = Files.createDirectories(dir.resolve("nothing"));

        for (Object[] c : new Object[][]{{empty, "is empty"}, {binary, "looks binary"}, {latin1, "not valid UTF-8"},
                {emptyDir, "holds no text documents"}, {dir.resolve("missing.txt"), "no such file"}}) {
            Owner.Result r = Owner.run(TinyModels.tinyArgs("train-expert", "--public", publicSet.toString(), "--docs", c[0].toString(),
                    "--steps", "1", "--out", dir.resolve("out").toString()));
            assertThat(r.exit()).isEqualTo(1);
            assertThatThrownBy(() -> dev.flexserve.ownerkit.corpus.Documents.read((Path) c[0]))
                    .isInstanceOf(OwnerKitException.class).hasMessageContaining((String) c[1])
                    .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
        }
    }
}
