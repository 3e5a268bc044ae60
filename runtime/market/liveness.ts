/**
 * Which registered nodes are known to be down, since when and why. Whoever watches the nodes' processes (the
 * launcher watches its workers) marks them down; a node that registers again is up. A down node is not asked for
 * bids nor paid: an auction that targets it is refused at once with `target node down`, and `/api/health` lists it.
 */

export interface DownNode {
  id: string;
  /** When it was marked down (the market's clock, ms). */
  since: number;
  /** Why, as a sentence: "its worker process 1234 exited on signal SIGKILL". */
  reason: string;
}

export class NodeLiveness {
  readonly #down = new Map<string, DownNode>();

  /** Marks nodes down; a node already down keeps its first time and reason. */
  markDown(ids: Iterable<string>, reason: string, now: number): void {
    for (const id of ids) if (!this.#down.has(id)) this.#down.set(id, { id, since: now, reason });
  }

  /** Marks a node up again (it registered anew); true when it was down. */
  markUp(id: string): boolean {
    return this.#down.delete(id);
  }

  /** The node's down record, or undefined while it is up. */
  downNode(id: string): DownNode | undefined {
    return this.#down.get(id);
  }

  isDown(id: string): boolean {
    return this.#down.has(id);
  }

  /** Every node marked down, oldest first. */
  down(): DownNode[] {
    return [...this.#down.values()];
  }
}
