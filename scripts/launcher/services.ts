/** Something the launcher started and must stop, newest first, when carve stops. */
export interface Stoppable {
  name: string;
  stop(): Promise<unknown>;
}

/** Stops what was started in reverse order (apps before the database they use), one failure not stopping the rest. */
export class ShutdownStack {
  private readonly items: Stoppable[] = [];

  push(item: Stoppable): void {
    this.items.push(item);
  }

  async stopAll(report: (message: string) => void): Promise<void> {
    while (this.items.length > 0) {
      const item = this.items.pop() as Stoppable;
      report(`stopping ${item.name}`);
      try {
        await item.stop();
      } catch (error) {
        report(`could not stop ${item.name} cleanly: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
