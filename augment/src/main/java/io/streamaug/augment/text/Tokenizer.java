package io.streamaug.augment.text;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Splits text into words with Lucene's {@link StandardTokenizer} (Unicode word boundaries, UAX #29)
 * and keeps the separators between them, so the text can be put back together. One instance per
 * thread.
 */
public final class Tokenizer {
    private final StandardTokenizer tokenizer = new StandardTokenizer();
    private final CharTermAttribute term = tokenizer.addAttribute(CharTermAttribute.class);
    private final OffsetAttribute offset = tokenizer.addAttribute(OffsetAttribute.class);

    public Sentence tokenize(String text) {
        List<int[]> spans = new ArrayList<>();
        try {
            tokenizer.setReader(new StringReader(text));
            tokenizer.reset();
            while (tokenizer.incrementToken()) {
                spans.add(new int[] {offset.startOffset(), offset.endOffset()});
            }
            tokenizer.end();
            tokenizer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (spans.isEmpty()) {
            return new Sentence(text, List.of());
        }
        List<Sentence.Word> words = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            int end = spans.get(i)[1];
            int next = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
            words.add(new Sentence.Word(text.substring(spans.get(i)[0], end), text.substring(end, next)));
        }
        return new Sentence(text.substring(0, spans.get(0)[0]), words);
    }
}
