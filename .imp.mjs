const mods = process.argv.slice(2);
const t = []; let last = performance.now(); const t0 = last;
for (const m of mods) { await import(m.startsWith('.') ? new URL(m, 'file:///work/main/').href : m); const now = performance.now(); t.push(`${m.replace('./dist/','')} ${(now - last).toFixed(1)}`); last = now; }
console.log(t.join('; '), '| total', (last - t0).toFixed(1));
