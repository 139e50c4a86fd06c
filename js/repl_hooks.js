// The REPL's hooks (src/repl/session.rs): `_`/`_error`, the preloads, and what the host calls. Keep this first line: stack traces count lines.
((inspect) => {
  const { defineProperty } = Object;
  const ErrorClass = Error;
  let lastValue;
  let lastError;

  // `_` and `_error` follow the last result; assigning one makes it a plain variable (as in Node).
  function defineRecall(name, get) {
    defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get,
      set(value) {
        defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
        console.log(`Expression assignment to ${name} now disabled.`);
      },
    });
  }
  defineRecall("_", () => lastValue);
  defineRecall("_error", () => lastError);

  function defineGlobal(name, value) {
    if (value === undefined) throw new Error(`it does not export ${name}`);
    defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }

  const preloads = [
    ["wasmcap:monocypher", (m) => {
      defineGlobal("Monocypher", m.Monocypher);
      defineGlobal("AuthenticationError", m.AuthenticationError);
      defineGlobal("mc", new m.Monocypher());
    }],
    ["wasmcap:twosum", (m) => {
      defineGlobal("twoSum", m.twoSum);
      defineGlobal("twoSumJs", m.twoSumJs);
    }],
    ["wasmcap:guest", (m) => defineGlobal("Guest", m.Guest)],
  ];

  const hooks = {
    // Remembers an evaluation's value (or thrown error) and returns it inspected for printing;
    // a value in colour when `colors` (a terminal, as Node's REPL).
    record(value, thrown, colors) {
      if (!thrown) {
        lastValue = value;
        return inspect(value, { colors: colors === true });
      }
      lastError = value;
      const text = inspect(value);
      // An error without stack frames (a SyntaxError in the input) inspects as `[SyntaxError: ...]`;
      // after "Uncaught " it reads better bare, as in Node's and Deno's REPLs.
      const bare = value instanceof ErrorClass && text.startsWith("[") && text.endsWith("]") && !text.includes("\n");
      return bare ? text.slice(1, -1) : text;
    },
    // Installs the capabilities as globals; returns what could not be loaded, one text each.
    async preload() {
      const failures = [];
      for (const [specifier, install] of preloads) {
        try {
          install(await import(specifier));
        } catch (error) {
          failures.push(`${specifier}: ${error?.message ?? error}`);
        }
      }
      return failures;
    },
  };
  defineProperty(globalThis, Symbol.for("wasmcap.repl"), { value: Object.freeze(hooks) });
})
