import { extname } from 'node:path';
import { Command, emit, parseCommand, str, strs } from '../command.js';
import { progress } from '../progress.js';
import { fail } from '../../ir/errors.js';
import { loadModel } from '../../model.js';
import { loadDataset } from '../../data/dataset.js';
import { KWS_LABELS } from '../../data/speech.js';
import { parseInputShapes } from '../../analysis/open.js';
import { CALIBRATORS, CalibratorName } from '../../quant/calibrate.js';
import { calibrateGraph, measureFidelity, toTfliteForm } from '../../quant/pipeline.js';
import { Precision, quantizeGraph, QuantizeOptions } from '../../quant/quantize.js';
import { quantizeBranches } from '../../quant/branches.js';
import { accuracyAwareSearch, Bound, SearchResult } from '../../quant/search.js';
import { writeQuantizedModel } from '../../quant/export.js';
import { equalizeCrossLayer } from '../../quant/equalize.js';
import { correctBias } from '../../quant/bias-correction.js';
import { formatQuantReport, QuantReport } from '../../quant/report.js';
import { recordRun } from '../../store/record.js';
import { writeFileAtomic } from '../../util/fs.js';

const HELP = `usage: edgeforge quantize <float model.onnx|.tflite> --calib <data> --out <file.tflite|.onnx> [options]

Post-training quantization to the TFLite int8 spec (symmetric per-channel int8 weights,
asymmetric int8 activations, int32 bias), runnable bit-exactly by the integer runtime and the
generated C. ONNX models are lowered to NHWC TFLite ops first. The output format follows
--out's extension: .tflite (full-integer flatbuffer) or .onnx (QDQ, runs in onnxruntime).

data:
  --calib <path>            .npy/.npz (first axis = sample), a folder of them, or a folder of WAVs
  --eval <path>             held-out data for the fidelity report (labels from 'labels' / sub-folders)
  --frontend <name>         front end for WAV folders: kws-mfcc, vibration-spectrum
  --classes a,b,...         class names in output order (labels WAV sub-folders; kws = MLPerf Tiny KWS)
  --limit <n>               use at most n calibration samples
  --input-shape name=1x...  size symbolic input dims (repeatable)

calibration:
  --calibrator <name>       minmax (default), percentile, mse, entropy
  --calibrator-for t=name   per-tensor override (repeatable)
  --percentile <p>          for the percentile calibrator (default 99.99)

precision:
  --per-tensor              one weight scale per tensor instead of per channel (to compare)
  --int16 <node,...>        int16 activations (16x8) for these nodes
  --float <node,...>        keep these nodes float (QUANTIZE/DEQUANTIZE inserted)
  --weight-bits 4           int4 weights (W4A8; values in [-7,7], packed two per byte on export)
  --io float                keep float model inputs/outputs (default: int8, full-integer)
  --cle                     cross-layer equalization before calibration (depthwise nets, per-tensor)
  --bias-correction         correct the mean shift weight quantization causes (low-bit, per-tensor)

accuracy-aware:
  --max-drop <points>       accuracy drop bound vs the float model (needs labeled --eval)
  --min-agreement <f>       top-1 agreement bound with the float model (0..1)
  --min-sqnr <dB>           output SQNR bound (regression models, embeddings, front ends)

report:
  --report <file.md|.json>  per-layer SQNR/cosine, sensitivity and candidate table
  --db <path|postgres://>   results store (default ~/.edgeforge/results.db)
  --json                    machine-readable summary`;

function list(v: string | undefined): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

const cmd: Command = {
  name: 'quantize',
  async run(argv) {
    const p = parseCommand(
      argv,
      {
        calib: { type: 'string' }, eval: { type: 'string' }, out: { type: 'string' }, frontend: { type: 'string' }, limit: { type: 'string' },
        'input-shape': { type: 'string', multiple: true }, calibrator: { type: 'string' }, 'calibrator-for': { type: 'string', multiple: true },
        percentile: { type: 'string' }, 'per-tensor': { type: 'boolean' }, int16: { type: 'string' }, float: { type: 'string' },
        'weight-bits': { type: 'string' }, io: { type: 'string' }, 'max-drop': { type: 'string' }, 'min-agreement': { type: 'string' }, 'min-sqnr': { type: 'string' },
        report: { type: 'string' }, db: { type: 'string' }, classes: { type: 'string' }, cle: { type: 'boolean' }, 'bias-correction': { type: 'boolean' },
      },
      HELP,
    );
    if (!p) return 0;
    const v = p.values;
    const json = !!v.json;
    const [modelPath, ...extra] = p.positionals;
    if (!modelPath || extra.length) fail('bad-args', 'give exactly one float model (see --help)');
    const out = str(v, 'out');
    const calibPath = str(v, 'calib');
    if (!calibPath) fail('bad-args', '--calib <data> is required');
    if (!out) fail('bad-args', '--out <file.tflite|.onnx> is required');
    const ext = extname(out).toLowerCase();
    if (ext !== '.tflite' && ext !== '.onnx') fail('bad-args', `--out must end in .tflite or .onnx, got '${out}'`);
    const calibrator = (str(v, 'calibrator') ?? 'minmax') as CalibratorName;
    if (!CALIBRATORS.includes(calibrator)) fail('bad-args', `unknown calibrator '${calibrator}' (use ${CALIBRATORS.join(', ')})`);
    const perTensor: Record<string, CalibratorName> = {};
    for (const s of strs(v, 'calibrator-for')) {
      const [t, c] = s.split('=');
      if (!t || !CALIBRATORS.includes(c as CalibratorName)) fail('bad-args', `--calibrator-for expects tensor=${CALIBRATORS.join('|')}, got '${s}'`);
      perTensor[t] = c as CalibratorName;
    }
    const num = (k: string, lo: number, hi: number): number | undefined => {
      const s = str(v, k);
      if (s === undefined) return undefined;
      const x = Number(s);
      if (!Number.isFinite(x) || x < lo || x > hi) fail('bad-args', `--${k} must be a number in [${lo}, ${hi}], got '${s}'`);
      return x;
    };
    const wb = num('weight-bits', 4, 8);
    if (wb !== undefined && wb !== 4 && wb !== 8) fail('bad-args', '--weight-bits must be 4 or 8');
    const io = str(v, 'io') ?? 'int8';
    if (io !== 'int8' && io !== 'float') fail('bad-args', `--io must be int8 or float, got '${io}'`);
    const bound: Bound = { maxDrop: num('max-drop', 0, 100), minAgreement: num('min-agreement', 0, 1), minSqnr: num('min-sqnr', -100, 200) };
    if ([bound.maxDrop, bound.minAgreement, bound.minSqnr].filter((b) => b !== undefined).length > 1) fail('bad-args', 'give one of --max-drop, --min-agreement, --min-sqnr');

    const g0 = await loadModel(modelPath, { inputShapes: parseInputShapes(strs(v, 'input-shape')) });
    const classes = str(v, 'classes') === 'kws' ? [...KWS_LABELS] : list(str(v, 'classes'));
    const dsOpts = { frontend: str(v, 'frontend'), classNames: classes.length ? classes : undefined };
    const calib0 = loadDataset(g0, calibPath, { ...dsOpts, limit: num('limit', 1, 1e9) });
    const eval0 = str(v, 'eval') ? loadDataset(g0, str(v, 'eval')!, dsOpts) : undefined;
    if (bound.maxDrop !== undefined && !eval0?.labels) fail('bad-args', '--max-drop needs labeled --eval data (an array named labels, or WAV sub-folders named by class)');
    const lowered = toTfliteForm(g0, calib0.samples);
    const calib = lowered.samples;
    let g = lowered.graph;
    const rewrites: string[] = [];
    if (v.cle) {
      const e = equalizeCrossLayer(g);
      g = e.graph;
      rewrites.push(`cross-layer equalization: ${e.pairs.length} pairs`);
    }
    if (v['bias-correction']) {
      const b = correctBias(g, calib, { perChannel: !v['per-tensor'], weightBits: (num('weight-bits', 4, 8) ?? 8) as 8 | 4 });
      g = b.graph;
      rewrites.push(`bias correction: ${b.corrected.length} layers`);
    }
    const evalSamples = eval0 ? toTfliteForm(g0, eval0.samples).samples : calib;

    const bar = progress('calibrating', !json);
    const t0 = Date.now();
    const ranges = calibrateGraph(g, calib, { calibrator, perTensor, percentile: num('percentile', 50, 100), onProgress: (d, t, pass) => bar.update(d, t, `pass ${pass}`) });
    bar.stop();
    const precision: Record<string, Precision> = {};
    for (const n of list(str(v, 'int16'))) precision[n] = 'int16';
    for (const n of list(str(v, 'float'))) precision[n] = 'float';
    for (const n of Object.keys(precision)) if (!g.nodes.some((m) => m.name === n)) fail('bad-args', `no node named '${n}' (see edgeforge inspect for node names)`);
    const base: QuantizeOptions = { perChannel: !v['per-tensor'], weightBits: (wb ?? 8) as 8 | 4, io, precision };

    let search: SearchResult | undefined;
    let q;
    if (bound.maxDrop !== undefined || bound.minAgreement !== undefined || bound.minSqnr !== undefined) {
      const sbar = progress('searching', !json);
      search = accuracyAwareSearch(g, ranges, calib.slice(0, 32), evalSamples, eval0?.labels, bound, base, (c) => sbar.update(c.step + 1, c.step + 2, c.change));
      sbar.stop();
      q = search.graph;
    } else q = quantizeGraph(g, ranges, base);
    // IF branches (e.g. a verifier model) are quantized as models of their own
    q = quantizeBranches(q, g, calib, { ...base, calibrator, perTensor, percentile: num('percentile', 50, 100) });
    const seconds = (Date.now() - t0) / 1000;
    const fidelity = measureFidelity(g, q, evalSamples, eval0?.labels, true);
    const report: QuantReport = {
      model: modelPath, out, calibrator, calibrationSamples: calib.length, evalSamples: evalSamples.length, seconds,
      options: { perChannel: base.perChannel!, weightBits: base.weightBits!, io, precision: search?.chosen.precision ?? precision, rewrites },
      fidelity, search: search && { bound, sensitivity: search.sensitivity, candidates: search.candidates, chosen: search.chosen.step },
      sizes: writeQuantizedModel(q, g0, out, ext === '.onnx' ? calibrateGraph(g0, calib0.samples, { calibrator, perTensor, percentile: num('percentile', 50, 100) }) : undefined, base.perChannel),
    };
    const rep = str(v, 'report');
    if (rep) writeFileAtomic(rep, rep.endsWith('.json') ? JSON.stringify(report, null, 2) : formatQuantReport(report, 'markdown'));
    await recordRun(str(v, 'db'), {
      kind: 'quantize', modelFile: modelPath, variant: `int8-${calibrator}${base.weightBits === 4 ? '-w4' : ''}`, target: 'host',
      metrics: [
        { name: 'sqnr_db', value: fidelity.sqnrDb, deterministic: true },
        { name: 'top1_agreement', value: fidelity.top1Agreement, deterministic: true },
        ...(fidelity.quantAccuracy !== undefined ? [{ name: 'accuracy', value: fidelity.quantAccuracy, deterministic: true }] : []),
        { name: 'weight_bytes', value: report.sizes.weightBytes, unit: 'B', deterministic: true },
      ],
    });
    emit(json, report, () => formatQuantReport(report, 'text'));
    return search && !search.chosen.meets ? 1 : 0;
  },
};
export default cmd;
