/**
 * The benchmarks' output: figures (INFO) one plain line each on standard output, where the bench
 * script reads them; diagnostics (WARNING) on standard error. Compiled with the benchmarks by
 * src/bench/bench.
 */
final class BenchReport {

    private BenchReport() {
    }

    /** The median of a row's rounds (the upper one of an even count). */
    static double median(java.util.List<Double> rounds) {
        var sorted = new java.util.ArrayList<>(rounds);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** A row's rounds as printed beside their median: "12.3, 45.6". */
    static String listed(java.util.List<Double> rounds) {
        return rounds.stream().map(v -> String.format("%.1f", v)).collect(java.util.stream.Collectors.joining(", "));
    }

    static java.util.logging.Logger logger() {
        var logger = java.util.logging.Logger.getLogger("rafiki.bench");
        logger.setUseParentHandlers(false);
        var plain = new java.util.logging.Formatter() {
            @Override
            public String format(java.util.logging.LogRecord record) {
                return record.getMessage() + System.lineSeparator();
            }
        };
        var figures = new java.util.logging.StreamHandler(new java.io.FileOutputStream(java.io.FileDescriptor.out), plain) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        figures.setFilter(record -> record.getLevel().intValue() < java.util.logging.Level.WARNING.intValue());
        var problems = new java.util.logging.ConsoleHandler();
        problems.setFormatter(plain);
        problems.setLevel(java.util.logging.Level.WARNING);
        logger.addHandler(figures);
        logger.addHandler(problems);
        return logger;
    }
}
