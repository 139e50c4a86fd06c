//! A client of V8's inspector on the runtime's own thread (the REPL's evaluation and
//! completion, `--coverage`'s profiler), and the Chrome DevTools Protocol (CDP) values they
//! read and pass: responses, exception details, call arguments.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use anyhow::{Context as _, anyhow};
use deno_core::serde_json::{self, Value, json};
use deno_core::{InspectorMsg, InspectorMsgKind, InspectorSessionKind, JsRuntimeInspector, LocalInspectorSession};

/// A CDP `CallArgument` that passes the value a `RemoteObject` describes.
pub(crate) fn call_argument(object: &Value) -> Value {
    if let Some(id) = object.get("objectId") {
        json!({ "objectId": id })
    } else if let Some(unserializable) = object.get("unserializableValue") {
        json!({ "unserializableValue": unserializable })
    } else if let Some(value) = object.get("value") {
        json!({ "value": value })
    } else {
        json!({}) // undefined
    }
}

/// What a CDP `ExceptionDetails` says: the exception's description, else the message.
pub(crate) fn exception_text(details: &Value) -> String {
    details["exception"]["description"]
        .as_str()
        .or_else(|| details["text"].as_str())
        .unwrap_or("unknown error")
        .to_string()
}

/// The `result` of a CDP response, or its `error` as an `Err`.
pub(crate) fn into_result(response: Value) -> anyhow::Result<Value> {
    match response.get("error") {
        Some(error) => Err(anyhow!("inspector error: {}", error["message"].as_str().unwrap_or("unknown"))),
        None => Ok(response.get("result").cloned().unwrap_or(Value::Null)),
    }
}

/// A client of V8's inspector on the runtime's own thread: posts CDP requests and collects the
/// responses V8 sends back (at once, or later for evaluations that await).
pub(crate) struct InspectorClient {
    session: LocalInspectorSession,
    inbox: Rc<RefCell<Inbox>>,
    next_id: i32,
}

#[derive(Default)]
struct Inbox {
    responses: HashMap<i32, Value>,
    /// From the `Runtime.executionContextCreated` notification that `Runtime.enable` sends.
    context_id: Option<u64>,
}

impl InspectorClient {
    pub(crate) fn connect(js: &mut deno_core::JsRuntime) -> Self {
        js.maybe_init_inspector();
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let sink = inbox.clone();
        let on_message = Box::new(move |message: InspectorMsg| {
            let Ok(content) = serde_json::from_str::<Value>(&message.content) else { return };
            let mut inbox = sink.borrow_mut();
            match message.kind {
                InspectorMsgKind::Message(id) => {
                    inbox.responses.insert(id, content);
                }
                InspectorMsgKind::Notification => {
                    if content["method"] == "Runtime.executionContextCreated" {
                        inbox.context_id = inbox.context_id.or(content["params"]["context"]["id"].as_u64());
                    }
                }
            }
        });
        let kind = InspectorSessionKind::NonBlocking { wait_for_disconnect: false };
        let session = JsRuntimeInspector::create_local_session(js.inspector(), on_message, kind);
        InspectorClient { session, inbox, next_id: 1 }
    }

    /// The execution context V8 announced (after `Runtime.enable`).
    pub(crate) fn context_id(&self) -> Option<u64> {
        self.inbox.borrow().context_id
    }

    pub(crate) fn post(&mut self, method: &str, params: Value) -> i32 {
        let id = self.next_id;
        self.next_id += 1;
        self.session.post_message(id, method, Some(params));
        id
    }

    pub(crate) fn take_response(&self, id: i32) -> Option<Value> {
        self.inbox.borrow_mut().responses.remove(&id)
    }

    /// A request V8 answers before `post` returns (anything that does not await a promise).
    pub(crate) fn call(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        let id = self.post(method, params);
        let response = self.take_response(id).ok_or_else(|| anyhow!("the inspector did not answer {method}"))?;
        into_result(response).with_context(|| format!("{method} failed"))
    }
}
