/**
 * The benchmarks' output: figures (INFO) one plain line each on standard output, where the bench
 * script reads them; diagnostics (WARNING) on standard error. Compiled with the benchmarks by
 * src/bench/bench.
 */
final class BenchReport {

    private BenchReport() {
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
