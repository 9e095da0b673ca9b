/** A graph described for export: its steps (each with the exporter that wrote it), dataset, training and names. */
import type { BinarizeMode, Plan } from '../compiler/plan';
import type { DatasetId, ImportedDatasetRef } from '../core/datasets';
import type { Diagnostic } from '../core/diagnostics';
import type { GraphDoc, TrainingSettings } from '../core/schema';
import type { ExportStep, NodeExporter } from './nodeExport';
import type { PyNames } from './python';

/** A step with the exporter that described it (the writers ask it for code). */
export interface DescribedStep {
  step: ExportStep;
  exporter: NodeExporter<Record<string, unknown>>;
}

export interface ExportModel {
  doc: GraphDoc;
  plan: Plan;
  dataset: {
    id: DatasetId;
    binarize: BinarizeMode;
    batchSize: number;
    imageShape: [number, number, number];
    /** The user's dataset, when `id` is 'imported'. */
    imported?: ImportedDatasetRef;
    /** The graph reads the Dataset's labels (a conditional VAE): the scripts batch them with the images. */
    labels: boolean;
  };
  training: TrainingSettings;
  steps: DescribedStep[];
  /** Variables summed into the numbers the scripts print. */
  metrics: { recon: string[]; kl: string[] };
  objective: string;
  /** Trainable parameters of the exported model (the layers the browser builds). */
  totalParams: number;
  /** Names the writers may still claim (helpers they add). */
  names: PyNames;
  /** The Python variable holding each output port's value in the forward pass (`node.port`, or `node.port#part`). */
  variables: ReadonlyMap<string, string>;
}

export type DescribeResult = { ok: true; model: ExportModel } | { ok: false; errors: Diagnostic[] };
