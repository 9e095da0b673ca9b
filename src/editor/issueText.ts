/** Diagnostics shown on the node itself do not need to repeat which node they are about. */
export function stripNodePrefix(message: string): string {
  return message.replace(/^node '[^']*' \([^)]*\): /, '');
}
