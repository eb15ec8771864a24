package io.streamaug.deploy;

import io.streamaug.augment.bench.DecodeBenchCommand;
import io.streamaug.augment.bench.OpsBenchCommand;
import io.streamaug.augment.bench.TextBenchCommand;
import io.streamaug.core.cli.UsageException;
import io.streamaug.trainer.bench.TrainerBenchCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code streamaug bench}: the benchmarks whose results docs/benchmarks.md reports. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (see docs/benchmarks.md for results and how they were measured).",
        subcommands = {OpsBenchCommand.class, DecodeBenchCommand.class, TextBenchCommand.class, PipelineBenchCommand.class, TrainerBenchCommand.class, SoakCommand.class})
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("say which benchmark: 'streamaug bench ops', 'bench decode', 'bench text', 'bench pipeline' or 'bench trainer' (see 'streamaug bench --help')");
    }
}
