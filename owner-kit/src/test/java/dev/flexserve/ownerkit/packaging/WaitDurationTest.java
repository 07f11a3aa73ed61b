package dev.flexserve.ownerkit.packaging;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaitDurationTest {
    private final WaitDuration converter = new WaitDuration();

    @Test
    void secondsMinutesAndHoursAsTyped() {
        assertThat(converter.convert("0s")).isEqualTo(Duration.ZERO);
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsItTakes() {
        for (String bad : new String[]{"5", "-1s", "PT5M", "5 m", "1d"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("such as 90s, 5m or 1h");
        }
    }

    @Test
    void publishTakesItsDefaultAndAGivenWait() {
        CommandLine cl = new CommandLine(new PublishCommand());
        CommandLine.ParseResult parsed = cl.parseArgs("--wait", "0s", "somewhere");
        assertThat(parsed.matchedOptionValue("--wait", Duration.ofDays(1))).isEqualTo(Duration.ZERO);
        PublishCommand defaults = new PublishCommand();
        new CommandLine(defaults).parseArgs("somewhere");
        assertThat(defaults.wait).isEqualTo(Duration.ofMinutes(5));
    }
}
