package io.streamaug.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's {@code --help}, read as written:
 * <ul>
 * <li>one placeholder style — an option without a {@code paramLabel} shows its field name in upper
 *     case ({@code --batch-size=BATCH_SIZE}), as {@code HOST:PORT}, {@code FILE} and {@code N} are
 *     written, not picocli's {@code <batchSize>};</li>
 * <li>descriptions, the command's and its options', wrap at spaces only: picocli's line breaker
 *     would also cut after a dot, a colon or a comma, printing {@code .streamaug/kafka} as
 *     {@code . streamaug/kafka} and {@code HOST:PORT} as {@code HOST: PORT}.</li>
 * </ul>
 */
final class ReadableHelp extends CommandLine.Help {
    /** Picocli indents the continuation of a wrapped description by this much; so do we. */
    private static final int CONTINUATION = 2;

    ReadableHelp(CommandSpec spec, ColorScheme colors) {
        super(spec, colors);
    }

    /** The command's description, each line wrapped at spaces to the usage width (an indented line is kept whole). */
    @Override
    public String description(Object... params) {
        int width = commandSpec().usageMessage().width();
        StringBuilder out = new StringBuilder();
        for (String element : commandSpec().usageMessage().description()) {
            for (String line : String.format(element, params).split("\\R", -1)) {
                if (line.startsWith(" ")) {
                    out.append(line).append(System.lineSeparator());
                    continue;
                }
                String rest = line;
                while (rest.length() > width && rest.lastIndexOf(' ', width) > 0) {
                    int cut = rest.lastIndexOf(' ', width);
                    out.append(rest, 0, cut).append(System.lineSeparator());
                    rest = rest.substring(cut + 1);
                }
                out.append(rest).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    @Override
    public Layout createDefaultLayout() {
        Layout layout = super.createDefaultLayout();
        Column description = layout.textTable().columns()[layout.textTable().columns().length - 1];
        int width = description.width - description.indent - CONTINUATION;
        IOptionRenderer options = layout.optionRenderer();
        IParameterRenderer parameters = layout.parameterRenderer();
        return new Layout(colorScheme(), layout.textTable(),
                (option, labels, colors) -> wrapped(options.render(option, labels, colors), width),
                (parameter, labels, colors) -> wrapped(parameters.render(parameter, labels, colors), width));
    }

    @Override
    public IParamLabelRenderer parameterLabelRenderer() {
        IParamLabelRenderer plain = super.parameterLabelRenderer();
        return new IParamLabelRenderer() {
            @Override
            public Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
                Text text = plain.renderParameterLabel(arg, ansi, styles);
                String label = arg.paramLabel();
                if (!label.startsWith("<") || !label.endsWith(">")) {
                    return text;
                }
                String name = label.substring(1, label.length() - 1).replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                        .toUpperCase(Locale.ROOT);
                return ansi.new Text(text.plainString().replace(label, name), colorScheme());
            }

            @Override
            public String separator() {
                return plain.separator();
            }
        };
    }

    /** The rows with each description cut at spaces into lines of at most {@code width}, one row each. */
    private static Text[][] wrapped(Text[][] rows, int width) {
        List<Text[]> out = new ArrayList<>();
        for (Text[] row : rows) {
            int last = row.length - 1;
            Text rest = row[last];
            boolean first = true;
            while (rest.plainString().length() > width) {
                int cut = rest.plainString().lastIndexOf(' ', width);
                if (cut <= CONTINUATION) {
                    break; // one word longer than the column: picocli's own wrapping takes it
                }
                out.add(withLast(first ? row : blank(row), rest.substring(0, cut)));
                rest = indented(rest.substring(cut + 1));
                first = false;
            }
            out.add(withLast(first ? row : blank(row), rest));
        }
        return out.toArray(new Text[0][]);
    }

    private static Text indented(Text text) {
        return text.substring(0, 0).concat(" ".repeat(CONTINUATION)).concat(text);
    }

    private static Text[] withLast(Text[] row, Text last) {
        Text[] copy = row.clone();
        copy[copy.length - 1] = last;
        return copy;
    }

    private static Text[] blank(Text[] row) {
        Text[] copy = row.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i].substring(0, 0);
        }
        return copy;
    }
}
