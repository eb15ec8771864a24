package io.streamaug.augment.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A text as words, each with the exact separator that followed it in the source (spaces,
 * punctuation), and whatever came before the first word: rendering gives the source back, and ops
 * that move or drop words keep punctuation where it stood.
 */
public record Sentence(String leading, List<Word> words) {
    /** A word and the text after it up to the next word. */
    public record Word(String text, String gap) {
    }

    public Sentence {
        words = Collections.unmodifiableList(new ArrayList<>(words));
    }

    public int size() {
        return words.size();
    }

    public String word(int i) {
        return words.get(i).text();
    }

    /** The text: leading + word + gap + word + gap … */
    public String render() {
        StringBuilder out = new StringBuilder(leading);
        for (Word w : words) {
            out.append(w.text()).append(w.gap());
        }
        return out.toString();
    }

    /** The words alone, in order. */
    public List<String> texts() {
        return words.stream().map(Word::text).toList();
    }
}
