"""The Interactions API through the official SDK's `client.interactions` (snake_case wire,
`/{api_version}/interactions`): create, streamed create and resume, get (with include_input),
a continued conversation, function calling, background runs, the deep-research agent,
cancel, delete and the error envelopes.

Run by compat.py's main(); it uses compat.py's helpers (check, call, client) from the
running script.
"""

import asyncio
import json
import time

from __main__ import acall, call, check, client

MODEL = "gemini-3-flash-preview"
AGENT = "deep-research-pro-preview-12-2025"


def text_of(interaction):
    """The text of the model_output steps."""
    out = []
    for step in interaction.steps or []:
        if getattr(step, "type", None) == "model_output":
            for c in step.content or []:
                if getattr(c, "type", None) == "text":
                    out.append(c.text or "")
    return "".join(out)


def status_of(interaction):
    s = interaction.status
    return getattr(s, "value", s)


def error_status(fn, *args, **kwargs):
    """The HTTP status and the `error.code` of an SDK call expected to fail."""
    try:
        call(fn, *args, **kwargs)
    except Exception as e:  # the SDK raises one class per status (APIStatusError's subclasses)
        response = getattr(e, "response", None)
        try:
            code = json.loads(response.text)["error"]["code"]
        except Exception:
            code = None
        return getattr(e, "status_code", None), code
    return None, None


def suite():
    c = client()
    ix = c.interactions

    # Create, get, get with the input.
    one = call(ix.create, model=MODEL, input="My name is Ada.", system_instruction="Be brief.")
    check("interactions create", status_of(one) == "completed" and one.id.startswith("v1_"), one)
    check("interactions text", text_of(one) == "[Be brief.] You said: My name is Ada.", text_of(one))
    check("interactions usage", one.usage is not None and one.usage.total_tokens > 0, one.usage)
    got = call(ix.get, one.id)
    check("interactions get", got.id == one.id and text_of(got) == text_of(one), got)
    with_input = call(ix.get, one.id, include_input=True)
    first = (with_input.steps or [None])[0]
    check("interactions get include_input", getattr(first, "type", None) == "user_input", with_input.steps)

    # A continued conversation: the server keeps the history.
    two = call(ix.create, model=MODEL, input="I live in Paris.", previous_interaction_id=one.id)
    three = call(ix.create, model=MODEL, input="What did I say earlier?", previous_interaction_id=two.id)
    check(
        "interactions conversation",
        text_of(three)
        == 'You said: What did I say earlier? Earlier you said: "My name is Ada."; "I live in Paris.".',
        text_of(three),
    )
    check("interactions previous id", three.previous_interaction_id == two.id, three.previous_interaction_id)

    # A streamed create, then a resume from an event id.
    events = list(call(ix.create, model=MODEL, input="Stream a few words about the sea, please.", stream=True))
    types_seen = [e.event_type for e in events]
    check("interactions stream events", types_seen[0] == "interaction.created" and types_seen[-1] == "interaction.completed", types_seen)
    ids = [e.event_id for e in events]
    check("interactions stream event ids", ids == [f"evt_{i}" for i in range(1, len(events) + 1)], ids)
    deltas = "".join(
        e.delta.text for e in events if e.event_type == "step.delta" and getattr(e.delta, "type", None) == "text"
    )
    sid = events[0].interaction.id
    stored = call(ix.get, sid)
    check("interactions stream text", deltas == text_of(stored) and deltas.startswith("You said: Stream"), deltas)
    resumed = list(call(ix.get, sid, stream=True, last_event_id=ids[2]))
    check("interactions stream resume", [e.event_id for e in resumed] == ids[3:], [e.event_id for e in resumed])

    # Function calling: requires_action, then the results complete it.
    tools = [
        {"type": "function", "name": "get_weather", "description": "Weather for a city",
         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
        {"type": "function", "name": "get_time", "description": "Local time in a city",
         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
    ]
    asked = call(ix.create, model=MODEL, input="Call get_weather and get_time for Paris.", tools=tools)
    calls = [s for s in asked.steps or [] if getattr(s, "type", None) == "function_call"]
    check("interactions requires_action", status_of(asked) == "requires_action" and len(calls) == 2, asked)
    results = [{"type": "function_result", "call_id": fc.id, "name": fc.name, "result": "ok"} for fc in calls]
    answered = call(ix.create, model=MODEL, input=results, previous_interaction_id=asked.id, tools=tools)
    check("interactions function results", status_of(answered) == "completed"
          and text_of(answered).startswith("Function results: get_weather returned"), text_of(answered))

    # Background: queued, then cancelled.
    bg = call(ix.create, model=MODEL, input="Take your time.", background=True)
    check("interactions background", status_of(bg) == "queued", bg.status)
    cancelled = call(ix.cancel, bg.id)
    check("interactions cancel", status_of(cancelled) == "cancelled", cancelled.status)

    # The deep-research agent in the background, waited to completion (bounded).
    run = call(ix.create, agent=AGENT, input="Tide pools", background=True,
               agent_config={"type": "deep-research", "thinking_summaries": "auto"})
    check("interactions agent", status_of(run) == "queued" and run.agent == AGENT, run)
    done = run
    for _ in range(80):
        done = call(ix.get, run.id)
        if status_of(done) not in ("queued", "in_progress"):
            break
        time.sleep(0.25)
    kinds = [getattr(s, "type", None) for s in done.steps or []]
    check("interactions agent report", status_of(done) == "completed" and "google_search_call" in kinds
          and text_of(done).startswith("# Research report: Tide pools"), kinds)

    # Errors: unknown field, exclusive pair (sent raw, past the SDK's own check), unknown id.
    st, code = error_status(ix.create, model=MODEL, input="x", extra_body={"bogus": 1})
    check("interactions unknown field", (st, code) == (400, "invalid_request"), (st, code))
    st, code = error_status(ix.create, model=MODEL, input="x", extra_body={"agent": AGENT})
    check("interactions exclusive pair", (st, code) == (400, "invalid_request"), (st, code))
    st, code = error_status(ix.get, "v1_unknown")
    check("interactions unknown id", (st, code) == (404, "not_found"), (st, code))

    # store=False, then get: 404. Delete, then get: 404.
    unstored = call(ix.create, model=MODEL, input="Forget me.", store=False)
    st, _ = error_status(ix.get, unstored.id)
    check("interactions store false", st == 404, st)
    call(ix.delete, one.id)
    st, _ = error_status(ix.get, one.id)
    check("interactions delete", st == 404, st)

    # The async client: a create, and a streamed create read to its end.
    async def async_part():
        ac = client().aio.interactions
        first = await acall(ac.create(model=MODEL, input="Hello async"))
        check("interactions async create", text_of(first) == "You said: Hello async", text_of(first))
        stream = await acall(ac.create(model=MODEL, input="Hello async stream", stream=True))
        seen = [e async for e in stream]
        check("interactions async stream", seen[-1].event_type == "interaction.completed"
              and seen[-1].interaction.status == "completed", [e.event_type for e in seen])
    asyncio.run(async_part())

    # Every API version serves it.
    c1 = client("v1")
    v1 = call(c1.interactions.create, model=MODEL, input="Hi")
    check("interactions v1", status_of(v1) == "completed", v1.status)
