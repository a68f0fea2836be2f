export interface Figure {
  name: string
  value: number
  unit: string
  /** Same figure for the baseline, measured in the same run; prints a ratio. */
  baseline?: number
  /** Label of the ratio in the summary line. */
  short?: string
  /** The goal this figure is held to, printed beside it (e.g. "≤ 5 ms"). */
  goal?: string
}

export function formatFigure(figure: Figure): string {
  const value = figure.value >= 100 ? figure.value.toFixed(0) : figure.value.toFixed(2)
  const ratio = figure.baseline ? `  ratio ${(figure.value / figure.baseline).toFixed(2)}x vs baseline` : ''
  const goal = figure.goal ? `  [goal ${figure.goal}]` : ''
  return `${figure.name}: ${value} ${figure.unit}${ratio}${goal}`
}
