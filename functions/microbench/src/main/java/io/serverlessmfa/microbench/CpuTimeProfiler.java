package io.serverlessmfa.microbench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, next to JMH's wall-clock time, as two secondary results:
 * <ul>
 *   <li>{@code cpu.thread}: CPU time of the benchmark threads (ThreadMXBean, ns resolution) over the iteration,
 *       divided by the operations they ran: the work itself, unaffected by waiting for a core that another
 *       process holds;</li>
 *   <li>{@code cpu.process}: CPU time of the whole forked JVM (all threads: the benchmark, GC, JIT compilers)
 *       over the iteration, divided by the same operations: what a single-vCPU sandbox would be billed for.
 *       Clock-tick resolution (10 ms) over a 1 s iteration.</li>
 * </ul>
 * Use: {@code -prof io.serverlessmfa.microbench.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    /** JMH names its benchmark threads {@code <benchmark>-jmh-worker-<n>}. */
    private static final String WORKER = "-jmh-worker-";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Map<Long, Long> workersBefore = Map.of();
    private long processBefore;

    public CpuTimeProfiler() {
        if (!threads.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        threads.setThreadCpuTimeEnabled(true);
    }

    @Override
    public String getDescription() {
        return "CPU time per operation: benchmark threads (ThreadMXBean) and the whole JVM (process CPU time)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        workersBefore = workerCpuTimes();
        processBefore = os.getProcessCpuTime();
    }

    @Override
    public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                    IterationResult result) {
        long process = os.getProcessCpuTime() - processBefore;
        long worker = 0;
        for (Map.Entry<Long, Long> now : workerCpuTimes().entrySet()) {
            // A worker started during the iteration counts from zero.
            worker += now.getValue() - workersBefore.getOrDefault(now.getKey(), 0L);
        }
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0) {
            return List.of();
        }
        return List.of(
                new ScalarResult("cpu.thread", worker / 1_000.0 / ops, "us/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.process", process / 1_000.0 / ops, "us/op", AggregationPolicy.AVG));
    }

    private Map<Long, Long> workerCpuTimes() {
        Map<Long, Long> times = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains(WORKER)) {
                long cpu = threads.getThreadCpuTime(thread.getId());
                if (cpu >= 0) {
                    times.put(thread.getId(), cpu);
                }
            }
        }
        return times;
    }
}
