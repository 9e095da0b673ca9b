/** Measures of an attribute in an image (a decoded one too), for datasets drawn from known factors: how much the pixels show it. */
import type { DatasetId } from '../core/datasets';
import { facesFactorNames, glassesMeasure } from './faces';

/** `image`: h·w·c grey values in 0..1; `levels`: the factor levels of the face or sprite the image started from. */
export type AttributeMeasure = (image: ArrayLike<number>, levels: ArrayLike<number>) => number;

const facesX = facesFactorNames.indexOf('x');
const facesY = facesFactorNames.indexOf('y');

const measures: Partial<Record<DatasetId, Readonly<Record<string, AttributeMeasure>>>> = {
  faces: { glasses: (image, levels) => glassesMeasure(image, levels[facesX] as number, levels[facesY] as number) },
};

/** The measure of a factor in a dataset, if the dataset has one for it. */
export function attributeMeasure(dataset: DatasetId, factor: string): AttributeMeasure | undefined {
  return measures[dataset]?.[factor];
}
