/** The guided lessons, in teaching order (their content is in lessons.ts). */
export const lessonIds = ['autoencoder', 'vae', 'beta-vae', 'glasses-vector'] as const;
export type LessonId = (typeof lessonIds)[number];

/** Lessons have at most this many steps (bounds the `step` of an instructor link). */
export const MAX_LESSON_STEPS = 12;
