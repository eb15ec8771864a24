package io.streamaug.augment.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.IndexWordSet;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;

/**
 * Stop words (the Snowball English list shipped with Lucene) and WordNet 3.1 synonyms (extJWNL with
 * its bundled data), cached. Shared by all threads; loading WordNet takes ~1 s and ~45 MB, once.
 */
public final class Lexicon {
    private static volatile Lexicon shared;

    private final CharArraySet stopWords;
    private final Dictionary wordNet;
    private final ConcurrentHashMap<String, List<String>> cache = new ConcurrentHashMap<>();

    private Lexicon() {
        try (InputStream in = org.apache.lucene.analysis.snowball.SnowballFilter.class
                .getResourceAsStream("/org/apache/lucene/analysis/snowball/english_stop.txt")) {
            stopWords = WordlistLoader.getSnowballWordSet(new InputStreamReader(in, StandardCharsets.UTF_8));
            wordNet = Dictionary.getDefaultResourceInstance();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JWNLException e) {
            throw new IllegalStateException("cannot load WordNet: " + e.getMessage(), e);
        }
    }

    /** The process-wide lexicon. */
    public static Lexicon get() {
        if (shared == null) {
            synchronized (Lexicon.class) {
                if (shared == null) {
                    shared = new Lexicon();
                }
            }
        }
        return shared;
    }

    public boolean isStopWord(String word) {
        return stopWords.contains(word.toLowerCase(Locale.ROOT));
    }

    /** A word an op may change: not a stop word, and made of letters (not numbers or symbols). */
    public boolean isContentWord(String word) {
        return !isStopWord(word) && word.chars().allMatch(Character::isLetter) && word.chars().anyMatch(Character::isLetter);
    }

    /**
     * WordNet synonyms of {@code word} over all its parts of speech, lower case, sorted (so draws
     * are reproducible), never the word itself; multi-word lemmas come with spaces ("ice cream").
     * Empty for words WordNet does not know or that have no synonyms ("shirt").
     */
    public List<String> synonyms(String word) {
        return cache.computeIfAbsent(word.toLowerCase(Locale.ROOT), this::lookUp);
    }

    private List<String> lookUp(String lower) {
        Set<String> found = new TreeSet<>();
        try {
            IndexWordSet set = wordNet.lookupAllIndexWords(lower);
            for (IndexWord indexWord : set.getIndexWordArray()) {
                for (Synset synset : indexWord.getSenses()) {
                    for (Word w : synset.getWords()) {
                        String lemma = w.getLemma().replace('_', ' ').toLowerCase(Locale.ROOT);
                        if (!lemma.equals(lower) && lemma.chars().allMatch(c -> Character.isLetter(c) || c == ' ' || c == '-')) {
                            found.add(lemma);
                        }
                    }
                }
            }
        } catch (JWNLException e) {
            return List.of();
        }
        return List.copyOf(new ArrayList<>(found));
    }
}
