// Loaded with `node --import` into a process the benchmark measures: at exit, writes the process's
// own resource usage (peak resident memory included) as JSON to the file named by
// PUSH_DOCTOR_BENCH_USAGE_FILE. Benchmark only; never part of the product.
import { writeFileSync } from 'node:fs';

const file = process.env.PUSH_DOCTOR_BENCH_USAGE_FILE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
