import { writeScenario } from './lib/compute-scenario.mjs';
import { benchHistory, startPrometheus } from './lib/prometheus.mjs';
const history = benchHistory({ services: 50, step: 300 });
const prometheus = await startPrometheus(history);
const { sloDir, configs } = writeScenario('/tmp/e2e', history.profiles, { direct: prometheus.url });
console.log(sloDir, configs.direct, history.end);
setInterval(() => {}, 1e9);
