// Synchronous work whose cost a client's input decides (a recurring event's expansion, a
// spreadsheet's recalculation) runs under a time limit, so one request cannot hold the event loop,
// and with it every tenant's requests to this process, for minutes. node:vm's timeout interrupts
// whatever JavaScript runs meanwhile, the libraries' code included; it counts wall-clock time, so
// limits are set well above what the work takes on a loaded machine.
import vm from 'node:vm';

export class TimeBudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`the work took more than ${budgetMs} ms and was stopped`);
  }
}

const context = vm.createContext({});
const runJob = new vm.Script('job()');

/** `job()`, stopped after `budgetMs` with TimeBudgetExceeded. */
export function withinTimeBudget<T>(budgetMs: number, job: () => T): T {
  context.job = job;
  try {
    return runJob.runInContext(context, { timeout: budgetMs }) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new TimeBudgetExceeded(budgetMs);
    throw error;
  } finally {
    context.job = undefined;
  }
}
