// The scripting room: one Lua VM (wasmoon's Lua 5.4) holding the EVAL
// state and the function libraries' state, the runner that executes
// scripts against the engine, and what INFO reports about them.
import type { HostServer } from '../context.js';
import { LuaVM } from './lua.js';
import { ScriptRunner, ScriptRun } from './runner.js';
import { EvalScripts } from './eval.js';
import { FunctionLibraries } from './functions.js';

export interface ScriptingMemory {
  vmEval: number;
  scriptsEval: number;
  cachedScripts: number;
  vmFunctions: number;
  functions: number;
  libraries: number;
  functionsMemory: number;
}

export class Scripting {
  readonly runner: ScriptRunner;
  readonly evals: EvalScripts;
  readonly functions: FunctionLibraries;

  private constructor(readonly srv: HostServer, vm: LuaVM) {
    this.runner = new ScriptRunner(srv, vm);
    this.evals = new EvalScripts(vm, this.runner);
    this.functions = new FunctionLibraries(vm, this.runner);
  }

  static async create(srv: HostServer): Promise<Scripting> {
    return new Scripting(srv, await LuaVM.load());
  }

  /** The script running now (past busy-reply-threshold when `busy`), if any. */
  get running(): ScriptRun | null { return this.runner.running; }

  memory(): ScriptingMemory {
    return {
      vmEval: this.evals.sandbox.memory(),
      scriptsEval: this.evals.memory,
      cachedScripts: this.evals.count,
      vmFunctions: this.functions.sandbox.memory(),
      functions: this.functions.functionCount,
      libraries: this.functions.libraryCount,
      functionsMemory: this.functions.memory,
    };
  }

  /**
   * The script caches Redis counts in used_memory (MEMORY STATS lua.caches
   * and functions.caches): the EVAL scripts' bodies and the libraries.
   */
  caches(): { lua: number; functions: number } {
    return { lua: this.evals.memory, functions: this.functions.memory };
  }

  /** SHUTDOWN NOSAVE while a script runs: it never resumes. */
  abort(): void {
    this.runner.abort();
  }
}
