import { readFileSync } from 'node:fs';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { EnginePanic } from './errors.ts';

/**
 * Instantiates Prisma's schema engine compiled to WebAssembly. The package's main entry imports
 * the `.wasm` file as an ES module, which Node 22 refuses without a flag and Node 24 accepts with
 * an ExperimentalWarning on stderr, where the CLI expects only JSON log lines. So this does what
 * that entry does, from the bytes. Call it once per process: the bindings hold a single instance.
 *
 * `panic` rejects with the engine's first Rust panic. The call that panicked never settles (the
 * engine traps in its own async task instead), so callers race their calls against it.
 */
export function loadSchemaEngine(): { bindings: typeof bindings; panic: Promise<never> } {
  let panicked = false;
  const panic = new Promise<never>((_, reject) => {
    Object.assign(globalThis, {
      PRISMA_WASM_PANIC_REGISTRY: {
        set_message(message: string) {
          panicked = true;
          reject(new EnginePanic(message));
        },
      },
    });
  });
  panic.catch(() => {});
  // The trap after a panic must not end the process: the CLI stops the engine itself, and when
  // the engine has already exited it can miss that and quit with status 0 (`migrate diff`).
  process.on('uncaughtException', (error) => {
    if (panicked && error instanceof WebAssembly.RuntimeError) return;
    console.error(error);
    process.exit(1);
  });

  const wasmFile = new URL('schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile)), {
    './schema_engine_bg.js': bindings,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return { bindings, panic };
}
