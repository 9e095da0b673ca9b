/** One colour per run of a comparison, the same in every picture row, chart and table. */
const colors = ['#4f46e5', '#e8590c', '#2f9e44', '#c2255c', '#1098ad', '#7048e8', '#b08900', '#495057'] as const;

export function laneColor(lane: number): string {
  return colors[lane % colors.length] ?? '#4f46e5';
}
