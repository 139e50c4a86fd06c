// performance (deno_web): marks and measures, now() and timeOrigin.
const t0 = performance.now();
performance.mark("start", { detail: { step: 1 } });
for (let i = 0; i < 1e5; i++);
performance.mark("end");
const measure = performance.measure("loop", "start", "end");
console.log(measure.name, measure.entryType, measure.duration >= 0);
console.log(performance.getEntriesByType("mark").map((m) => [m.name, m.detail]));
console.log(performance.getEntriesByName("loop").length, performance.now() >= t0);
console.log(Math.abs(performance.timeOrigin + performance.now() - Date.now()) < 1000);
performance.clearMarks();
console.log(performance.getEntriesByType("mark").length);
