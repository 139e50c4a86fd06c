//! `wasmcap eval CODE` (as `node -p`): how its code runs (a script, an awaited expression, or
//! a module), decided by compiling it, and how its value is printed.

use deno_core::v8;

use super::Runtime;

/// How `eval` runs its code.
pub(super) enum EvalForm {
    /// A classic script: its completion value is printed.
    Script,
    /// An expression that needs a module (`await`): a module exporting it, printed.
    Expression(String),
    /// Module code (static imports): run as it is.
    Module,
}

impl Runtime {
    /// How [`Script::Eval`] code runs (see [`Runtime::run`]): decided by compiling, never
    /// running.
    pub(super) fn eval_form(&mut self, code: &str, name: &str) -> EvalForm {
        if self.compiles(code, name, false) {
            return EvalForm::Script;
        }
        // The newline keeps a trailing `// comment` from swallowing the parenthesis.
        let wrapped = format!("export default await (\n{code}\n);");
        if self.compiles(&wrapped, name, true) { EvalForm::Expression(wrapped) } else { EvalForm::Module }
    }

    fn compiles(&mut self, code: &str, name: &str, as_module: bool) -> bool {
        deno_core::scope!(scope, &mut self.js);
        v8::tc_scope!(let scope, scope);
        let (Some(source), Some(name)) = (v8::String::new(scope, code), v8::String::new(scope, name)) else {
            return false;
        };
        let origin = v8::ScriptOrigin::new(scope, name.into(), 0, 0, false, -1, None, false, false, as_module, None);
        let compiled = if as_module {
            let mut source = v8::script_compiler::Source::new(source, Some(&origin));
            v8::script_compiler::compile_module(scope, &mut source).is_some()
        } else {
            v8::Script::compile(scope, source, Some(&origin)).is_some()
        };
        scope.reset();
        compiled
    }

    pub(super) fn print_default_export(&mut self, id: deno_core::ModuleId) {
        let Ok(namespace) = self.js.get_module_namespace(id) else { return };
        let value = {
            deno_core::scope!(scope, &mut self.js);
            let namespace = v8::Local::new(scope, namespace);
            let key = v8::String::new(scope, "default");
            key.and_then(|key| namespace.get(scope, key.into())).map(|value| v8::Global::new(scope, value))
        };
        if let Some(value) = value {
            self.print_inspected(value);
        }
    }

    /// Prints `value` as `console.log` would, to the runtime's stdout.
    pub(super) fn print_inspected(&mut self, value: v8::Global<v8::Value>) {
        let Ok(inspect) = self.host_hook("inspectForPrint") else { return };
        let text = {
            deno_core::scope!(scope, &mut self.js);
            v8::tc_scope!(let scope, scope);
            let inspect = v8::Local::new(scope, inspect);
            let value = v8::Local::new(scope, value);
            let undefined = v8::undefined(scope).into();
            inspect.call(scope, undefined, &[value]).map(|text| text.to_rust_string_lossy(scope))
        };
        if let Some(text) = text {
            self.output.write(false, format!("{text}\n").as_bytes());
        }
    }
}
