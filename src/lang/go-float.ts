/** Go's `strconv.ParseFloat` (src/domain/go-float.ts, where the Keptn evaluator can use it too). */
export { parseGoFloat } from '../domain/go-float.js';
