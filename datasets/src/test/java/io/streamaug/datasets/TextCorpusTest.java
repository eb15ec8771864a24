package io.streamaug.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.cli.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    private static final Path SPAM_ASSASSIN = Path.of("src", "test", "resources", "fixtures", "spam-assassin");

    @Test
    void jsonlRowsAreReadAndBadOnesReportedWithTheirLineNumber(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("reviews.jsonl");
        byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', ',', '"', 'l', 'a', 'b', 'e', 'l', '"', ':', '"', 'x', '"', '}'};
        Files.write(file, ("{\"id\":\"r1\",\"text\":\"Great phone, loved it.\",\"label\":\"pos\"}\n"
                + "{\"id\":\"r2\",\"text\":\"\",\"label\":\"neg\"}\n"
                + "not json\n").getBytes(StandardCharsets.UTF_8));
        Files.write(file, bad, java.nio.file.StandardOpenOption.APPEND);
        Files.write(file, "\n{\"text\":\"Broke after a day.\",\"label\":\"neg\"}\n".getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
        TextCorpus.Loaded loaded = TextCorpus.jsonl(file);
        assertThat(loaded.rows()).extracting(TextCorpus.Row::id).containsExactly("r1", "reviews.jsonl:5");
        assertThat(loaded.rows()).extracting(TextCorpus.Row::label).containsExactly("pos", "neg");
        assertThat(loaded.skipped()).containsExactlyInAnyOrder("reviews.jsonl:2: no text", "reviews.jsonl:3: not a JSON object",
                "reviews.jsonl:4: not valid UTF-8");
    }

    @Test
    void csvColumnsAreChosenByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sms.csv");
        Files.writeString(file, "class,message,key\nham,\"Are we still on for lunch, Bob?\",m1\nspam,WIN a free cruise now,m2\nham,,m3\n");
        TextCorpus.Loaded loaded = TextCorpus.csv(file, "message", "class", "key");
        assertThat(loaded.rows()).extracting(TextCorpus.Row::text)
                .containsExactly("Are we still on for lunch, Bob?", "WIN a free cruise now");
        assertThat(loaded.rows()).extracting(TextCorpus.Row::id).containsExactly("m1", "m2");
        assertThat(loaded.skipped()).containsExactly("sms.csv:4: no text");
        assertThatThrownBy(() -> TextCorpus.csv(file, "body", "class", "key")).isInstanceOf(UsageException.class)
                .hasMessageContaining("no column 'body'");
    }

    @Test
    void spamAssassinMessagesLoseTheirHeadersAndAreDecoded() {
        TextCorpus.Loaded loaded = TextCorpus.spamAssassin(SPAM_ASSASSIN);
        assertThat(loaded.skipped()).isEmpty();
        Map<String, TextCorpus.Row> byId = loaded.rows().stream().collect(Collectors.toMap(TextCorpus.Row::id, Function.identity()));
        assertThat(byId).hasSize(6);
        assertThat(loaded.rows()).allSatisfy(row -> {
            assertThat(row.text()).doesNotContain("Received: ", "Return-Path:", "Message-ID:", "Content-Transfer-Encoding");
            assertThat(row.label()).isEqualTo(row.id().startsWith("spam") ? "spam" : "ham");
        });
        // base64-encoded HTML → its text
        String base64Html = byId.get("spam-1/00078").text();
        assertThat(base64Html).contains("Your home refinance loan is approved!").doesNotContain("<p>", "<html>");
        // quoted-printable HTML → no =3D escapes, no tags
        String quotedPrintable = byId.get("spam-2/00006").text();
        assertThat(quotedPrintable).doesNotContain("=3D", "<html>", "<meta");
        // multipart/alternative → the text/plain part is preferred
        assertThat(byId.get("hard-ham-1/00008").text()).contains("If this message is not displaying properly").doesNotContain("<http://lindows.com/mm> here</a>");
        // a multipart/mixed with a base64 attachment: the attachment is not text
        assertThat(byId.get("easy-ham-1/00067").text()).contains("telecoms partner Bumblebee").doesNotContain("AAAA");
    }
}
