package io.streamaug.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.jsoup.Jsoup;

/**
 * The content of an e-mail message, for a classifier that must learn from content, not relay
 * lines: headers dropped, quoted-printable and base64 decoded (Apache James mime4j), the text/plain
 * parts preferred, HTML reduced to its text (jsoup), attachments ignored.
 */
public final class MailText {
    private MailText() {
    }

    /**
     * The message's body text, or "" when it has no text part.
     *
     * @throws IOException when the message cannot be parsed at all
     */
    public static String body(String rawMessage) throws IOException {
        String text = parse(rawMessage);
        // Some messages (spam especially) carry a multipart body without the Content-Type header that
        // declares it: read such a body again as the multipart it is.
        Matcher boundary = EMBEDDED_BOUNDARY.matcher(text);
        if (boundary.find()) {
            String declared = "Content-Type: multipart/mixed; boundary=\"" + boundary.group(1).strip() + "\"\r\n\r\n";
            String reparsed = parse(declared + text);
            if (!reparsed.isBlank()) {
                return reparsed;
            }
        }
        return text;
    }

    /** A line "--boundary" followed, within a few lines, by a Content-Type header. */
    private static final Pattern EMBEDDED_BOUNDARY = Pattern.compile(
            "(?m)^--([^\\r\\n]{1,70})\\r?\\n(?:[^\\r\\n]*\\r?\\n){0,3}?Content-Type:", Pattern.CASE_INSENSITIVE);

    private static String parse(String rawMessage) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        Message message = builder.parseMessage(new ByteArrayInputStream(rawMessage.getBytes(StandardCharsets.ISO_8859_1)));
        try {
            List<String> plain = new ArrayList<>();
            List<String> html = new ArrayList<>();
            collect(message, plain, html);
            if (!plain.isEmpty()) {
                return String.join("\n", plain).strip();
            }
            List<String> texts = new ArrayList<>();
            for (String h : html) {
                texts.add(Jsoup.parse(h).text());
            }
            return String.join("\n", texts).strip();
        } finally {
            message.dispose();
        }
    }

    private static void collect(Entity entity, List<String> plain, List<String> html) throws IOException {
        Body body = entity.getBody();
        if (body instanceof Multipart multipart) {
            for (Entity part : multipart.getBodyParts()) {
                collect(part, plain, html);
            }
        } else if (body instanceof Message nested) {
            collect(nested, plain, html);
        } else if (body instanceof TextBody text) {
            String mime = entity.getMimeType() == null ? "text/plain" : entity.getMimeType().toLowerCase(Locale.ROOT);
            if (entity.getDispositionType() != null && entity.getDispositionType().equalsIgnoreCase("attachment")) {
                return;
            }
            String content = read(text, entity.getCharset());
            if (mime.equals("text/html")) {
                html.add(content);
            } else if (mime.equals("text/plain")) {
                plain.add(content);
            }
        }
    }

    private static String read(TextBody body, String charsetName) throws IOException {
        Charset charset = StandardCharsets.ISO_8859_1;
        try {
            if (charsetName != null && Charset.isSupported(charsetName)) {
                charset = Charset.forName(charsetName);
            }
        } catch (IllegalArgumentException ignored) {
            // an unknown or malformed charset name: Latin-1 reads every byte
        }
        try (InputStream in = body.getInputStream()) { // transfer encoding already decoded
            return new String(in.readAllBytes(), charset);
        }
    }
}
