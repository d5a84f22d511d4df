"""Runs Google's official Python SDK (google-genai) against gemini-emulator.

Usage: python compat.py BASE_URL API_KEY

Every SDK call goes through the SDK's public API, pointed at the emulator with
`http_options=types.HttpOptions(base_url=..., api_version=...)`. Each assertion is one
check; the last line is `python-compat: N passed, M failed`, and the exit status is non-zero
when anything failed.
"""

import asyncio
import json
import sys
import traceback

import pydantic
from google import genai
from google.genai import errors, types

BASE_URL = sys.argv[1]
API_KEY = sys.argv[2]
# Suite files (`suite_*.py`) import their helpers with `from compat import ...`: let that name
# the running script, whose counters `main` reports.
sys.modules.setdefault("compat", sys.modules[__name__])

PASSED = 0
FAILED = 0
CALLS = 0


def check(name, condition, detail=""):
    global PASSED, FAILED
    if condition:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAIL {name}: {detail}")


def call(fn, *args, **kwargs):
    """One SDK call (counted)."""
    global CALLS
    CALLS += 1
    return fn(*args, **kwargs)


async def acall(coro):
    global CALLS
    CALLS += 1
    return await coro


def client(api_version="v1beta", key=API_KEY):
    return genai.Client(
        api_key=key,
        http_options=types.HttpOptions(base_url=BASE_URL, api_version=api_version),
    )


def visible_text(response):
    parts = response.candidates[0].content.parts or []
    return "".join(p.text or "" for p in parts if not p.thought)


class Recipe(pydantic.BaseModel):
    recipe_name: str
    ingredients: list[str]
    minutes: int


def get_weather(city: str) -> dict:
    """Returns the weather for a city."""
    return {"city": city, "temp_c": 21}


def sync_suite():
    for version in ["v1beta", "v1"]:
        c = client(version)

        # generateContent: plain text, system instruction, stop sequences, token limit.
        r = call(c.models.generate_content, model="gemini-2.5-flash", contents="Hello emulator")
        check(f"{version} generate text", r.text == "You said: Hello emulator", r.text)
        check(f"{version} model version", r.model_version == "gemini-2.5-flash", r.model_version)
        check(f"{version} usage", r.usage_metadata.prompt_token_count == 3, r.usage_metadata)

    c = client()
    r = call(
        c.models.generate_content,
        model="gemini-2.5-flash",
        contents="Tell me about the fox and the hound",
        config=types.GenerateContentConfig(
            system_instruction="Speak like a pirate",
            stop_sequences=["hound"],
            candidate_count=2,
        ),
    )
    check("system instruction + stop", r.text == "[Speak like a pirate] You said: Tell me about the fox and the ", r.text)
    check("candidate count", len(r.candidates) == 2, len(r.candidates))
    r = call(
        c.models.generate_content,
        model="gemini-2.5-flash",
        contents="one two three four five six seven",
        config=types.GenerateContentConfig(max_output_tokens=4),
    )
    check("max tokens", r.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS, r.candidates[0].finish_reason)
    check("max tokens text", r.text == "You said: one", r.text)

    # Thinking: thought parts and a signature on the model turn.
    r = call(
        c.models.generate_content,
        model="gemini-3-pro-preview",
        contents="Think first",
        config=types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True)),
    )
    parts = r.candidates[0].content.parts
    check("thought part", parts[0].thought is True, parts[0])
    check("thought signature", any(p.thought_signature for p in parts), parts)
    check("thoughts tokens", (r.usage_metadata.thoughts_token_count or 0) > 0, r.usage_metadata)

    # Streaming: several chunks whose text adds up to the unary answer.
    chunks = list(call(c.models.generate_content_stream, model="gemini-2.5-flash",
                       contents="Stream a reasonably long answer back to me, in several chunks please"))
    text = "".join(ch.text or "" for ch in chunks)
    check("stream chunks", len(chunks) >= 3, len(chunks))
    check("stream text", text == "You said: Stream a reasonably long answer back to me, in several chunks please", text)
    check("stream usage on last chunk", chunks[-1].usage_metadata.candidates_token_count > 0, chunks[-1].usage_metadata)

    # countTokens agrees with usageMetadata.
    r = call(c.models.generate_content, model="gemini-2.5-flash", contents="How many tokens is this?")
    t = call(c.models.count_tokens, model="gemini-2.5-flash", contents="How many tokens is this?")
    check("count tokens", t.total_tokens == r.usage_metadata.prompt_token_count, (t.total_tokens, r.usage_metadata))

    # Embeddings: single, batch, output dimensionality, similarity.
    e = call(c.models.embed_content, model="gemini-embedding-001", contents="The cat sat on the mat")
    check("embed single", len(e.embeddings) == 1 and len(e.embeddings[0].values) == 3072, len(e.embeddings))
    e = call(
        c.models.embed_content,
        model="gemini-embedding-001",
        contents=["The cat sat on the mat", "A cat sat on a mat", "Quarterly revenue grew"],
        config=types.EmbedContentConfig(output_dimensionality=256, task_type="SEMANTIC_SIMILARITY"),
    )
    vecs = [x.values for x in e.embeddings]
    check("embed batch", len(vecs) == 3 and all(len(v) == 256 for v in vecs), [len(v) for v in vecs])
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))
    check("embed similarity", dot(vecs[0], vecs[1]) > dot(vecs[0], vecs[2]) + 0.3, (dot(vecs[0], vecs[1]), dot(vecs[0], vecs[2])))

    # Models: list (paginated) and get.
    models = list(call(c.models.list, config=types.ListModelsConfig(page_size=5)))
    names = [m.name for m in models]
    check("models list paginates", len(names) > 5 and len(set(names)) == len(names), names)
    check("models list content", "models/gemini-2.5-flash" in names and "models/gemini-embedding-001" in names, names)
    m = call(c.models.get, model="gemini-2.5-pro")
    check("models get", m.name == "models/gemini-2.5-pro" and m.display_name == "Gemini 2.5 Pro", m)
    check("models get limits", m.input_token_limit == 1048576, m.input_token_limit)

    # A model of a known family that the catalogue does not list (next month's model name).
    future = "gemini-4.0-flash-preview-01-2027"
    m = call(c.models.get, model=future)
    check("family model get", m.name == f"models/{future}" and m.thinking is True, m)
    r = call(c.models.generate_content, model=future, contents="Hello future")
    check("family model generate", r.text == "You said: Hello future", r.text)
    check("family model not listed", f"models/{future}" not in names, names)

    # Tuned models: the list the SDK reads with query_base=False (none are served by default).
    tuned = list(call(c.models.list, config=types.ListModelsConfig(query_base=False)))
    check("tuned models list", tuned == [], tuned)

    # Errors: wrong key, unknown model.
    bad = client(key="wrong-key")  # keep a reference: a dropped Client closes its connections
    try:
        call(bad.models.generate_content, model="gemini-2.5-flash", contents="x")
        check("bad key raises", False, "no error")
    except errors.ClientError as err:
        check("bad key raises", err.code == 400 and "API key not valid" in (err.message or ""), err)
        check("bad key status", err.status == "INVALID_ARGUMENT", err.status)
    try:
        call(c.models.generate_content, model="gemini-9-imaginary", contents="x")
        check("unknown model raises", False, "no error")
    except errors.ClientError as err:
        check("unknown model raises", err.code == 404 and err.status == "NOT_FOUND", err)
        check("unknown model message", "models/gemini-9-imaginary is not found" in (err.message or ""), err.message)

    # JSON output from a pydantic schema (responseSchema) and from a JSON schema.
    r = call(
        c.models.generate_content,
        model="gemini-2.5-flash",
        contents="Give me a recipe",
        config=types.GenerateContentConfig(response_mime_type="application/json", response_schema=Recipe),
    )
    check("json schema parsed", isinstance(r.parsed, Recipe), r.text)
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 3, "maximum": 9},
              "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}}, "required": ["n", "tags"]}
    r = call(
        c.models.generate_content,
        model="gemini-2.5-flash",
        contents="Numbers",
        config=types.GenerateContentConfig(response_mime_type="application/json", response_json_schema=schema),
    )
    value = json.loads(r.text)
    check("json schema value", 3 <= value["n"] <= 9 and len(value["tags"]) >= 1, value)

    # Function calling: manual, then automatic (the SDK runs the function and sends the result
    # back with the model turn, thought signature included, on a Gemini 3 model).
    decl = types.FunctionDeclaration(
        name="get_weather",
        description="Weather for a city",
        parameters_json_schema={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    )
    r = call(
        c.models.generate_content,
        model="gemini-3-pro-preview",
        contents="Please call get_weather for Paris",
        config=types.GenerateContentConfig(
            tools=[types.Tool(function_declarations=[decl])],
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        ),
    )
    fcs = r.function_calls or []
    check("function call", len(fcs) == 1 and fcs[0].name == "get_weather", fcs)
    check("function call args", isinstance((fcs[0].args or {}).get("city") if fcs else None, str), fcs)
    r = call(
        c.models.generate_content,
        model="gemini-3-pro-preview",
        contents="Please call get_weather for Paris",
        config=types.GenerateContentConfig(tools=[get_weather]),
    )
    check("automatic function calling", "get_weather returned" in (r.text or ""), r.text)
    history = r.automatic_function_calling_history or []
    check("afc history", len(history) >= 3, len(history))

    # Chats keep the history (thought signatures included).
    chat = c.chats.create(model="gemini-3-pro-preview")
    r1 = call(chat.send_message, "first message")
    r2 = call(chat.send_message, "second message")
    check("chat turns", r1.text == "You said: first message" and r2.text == "You said: second message", (r1.text, r2.text))
    check("chat history", len(chat.get_history()) == 4, len(chat.get_history()))


async def async_suite():
    c = client()
    r = await acall(c.aio.models.generate_content(model="gemini-2.5-flash", contents="async hello"))
    check("async generate", r.text == "You said: async hello", r.text)
    text = ""
    n = 0
    async for chunk in await acall(c.aio.models.generate_content_stream(model="gemini-2.5-flash", contents="async streaming works across several chunks")):
        text += chunk.text or ""
        n += 1
    check("async stream", n >= 2 and text == "You said: async streaming works across several chunks", (n, text))
    t = await acall(c.aio.models.count_tokens(model="gemini-2.5-flash", contents="async hello"))
    check("async count tokens", t.total_tokens == r.usage_metadata.prompt_token_count, t)
    e = await acall(c.aio.models.embed_content(model="gemini-embedding-001", contents=["a b", "c d"],
                                               config=types.EmbedContentConfig(output_dimensionality=64)))
    check("async embed", len(e.embeddings) == 2 and len(e.embeddings[0].values) == 64, e)
    names = [m.name async for m in await acall(c.aio.models.list(config=types.ListModelsConfig(page_size=3)))]
    check("async models list", "models/gemini-3-pro-preview" in names, names)
    m = await acall(c.aio.models.get(model="gemini-embedding-001"))
    check("async models get", m.name == "models/gemini-embedding-001", m)
    try:
        await acall(c.aio.models.generate_content(model="nope", contents="x"))
        check("async error", False, "no error")
    except errors.ClientError as err:
        check("async error", err.code == 404, err)
    r = await acall(c.aio.models.generate_content(
        model="gemini-3-pro-preview", contents="call get_weather for Rome",
        config=types.GenerateContentConfig(tools=[get_weather])))
    check("async automatic function calling", "get_weather returned" in (r.text or ""), r.text)


def wait_batch(c, name, limit=40):
    """Polls a batch until it ends (bounded: `limit` polls, 0.25 s apart)."""
    import time
    job = None
    for _ in range(limit):
        job = call(c.batches.get, name=name)
        if job.done:
            return job
        time.sleep(0.25)
    return job


def files_caches_batches_suite():
    import io
    import os
    import tempfile

    c = client()

    # Files: upload (from a path and from bytes), get, list, download refused for uploads, delete.
    data = bytes(range(256)) * 40000  # 10 MB: two chunks of the SDK's 8 MiB
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as tmp:
        tmp.write(data)
        path = tmp.name
    try:
        f = call(c.files.upload, file=path, config=types.UploadFileConfig(display_name="big text"))
    finally:
        os.unlink(path)
    check("files upload", f.name.startswith("files/") and f.size_bytes == len(data), f)
    check("files upload mime", f.mime_type == "text/plain" and f.display_name == "big text", f)
    check("files upload sha256", bool(f.sha256_hash), f.sha256_hash)
    g = call(c.files.get, name=f.name)
    check("files get active", g.state == types.FileState.ACTIVE and g.source == types.FileSource.UPLOADED, g)
    r = call(c.models.generate_content, model="gemini-2.5-flash", contents=[g, "Describe the file"])
    check("files in a prompt", r.text == "You said: Describe the file", r.text)
    small = call(c.files.upload, file=io.BytesIO(b"hello"),
                 config=types.UploadFileConfig(mime_type="application/octet-stream", name="compat-small"))
    check("files upload named", small.name == "files/compat-small" and small.size_bytes == 5, small)
    names = [x.name for x in call(c.files.list, config=types.ListFilesConfig(page_size=1))]
    check("files list", f.name in names and small.name in names, names)
    try:
        call(c.files.download, file=g)
        check("files download refused", False, "no error")
    except ValueError:
        check("files download refused", True)
    call(c.files.delete, name=small.name)
    try:
        call(c.files.get, name=small.name)
        check("files deleted", False, "no error")
    except errors.ClientError as err:
        check("files deleted", err.code == 403, err)

    # Caches: create, use in generateContent, update the ttl, list, delete.
    facts = "Paris is the capital of France. " * 300
    cache = call(
        c.caches.create,
        model="gemini-2.5-flash",
        config=types.CreateCachedContentConfig(
            display_name="facts",
            system_instruction="Answer from the facts.",
            contents=[facts],
            ttl="600s",
        ),
    )
    check("caches create", cache.name.startswith("cachedContents/") and cache.model == "models/gemini-2.5-flash", cache)
    cached = cache.usage_metadata.total_token_count
    check("caches tokens", cached >= 1024, cache.usage_metadata)
    r = call(c.models.generate_content, model="gemini-2.5-flash", contents="Capital?",
             config=types.GenerateContentConfig(cached_content=cache.name))
    check("caches used", r.text == "[Answer from the facts.] You said: Capital?", r.text)
    check("caches usage", r.usage_metadata.cached_content_token_count == cached, r.usage_metadata)
    before = cache.expire_time
    u = call(c.caches.update, name=cache.name, config=types.UpdateCachedContentConfig(ttl="7200s"))
    check("caches update", u.expire_time > before, (before, u.expire_time))
    listed = [x.name for x in call(c.caches.list)]
    check("caches list", cache.name in listed, listed)
    try:
        call(c.caches.create, model="gemini-2.5-flash",
             config=types.CreateCachedContentConfig(contents=["too short"]))
        check("caches too small", False, "no error")
    except errors.ClientError as err:
        check("caches too small", err.code == 400 and "Cached content is too small" in (err.message or ""), err)
    call(c.caches.delete, name=cache.name)
    try:
        call(c.caches.get, name=cache.name)
        check("caches deleted", False, "no error")
    except errors.ClientError as err:
        check("caches deleted", err.code == 403, err)

    # Batches: inline create, get, list, results, cancel, delete.
    requests = [
        {"contents": [{"parts": [{"text": f"question {i}"}], "role": "user"}], "metadata": {"key": f"k{i}"}}
        for i in range(5)
    ]
    job = call(c.batches.create, model="gemini-2.5-flash", src=requests,
               config=types.CreateBatchJobConfig(display_name="compat"))
    check("batches create", job.name.startswith("batches/") and job.state == types.JobState.JOB_STATE_PENDING, job)
    other = call(c.batches.create, model="gemini-2.5-flash", src=requests[:1])
    call(c.batches.cancel, name=other.name)
    cancelled = call(c.batches.get, name=other.name)
    check("batches cancel", cancelled.state == types.JobState.JOB_STATE_CANCELLED, cancelled.state)
    listed = [b.name for b in call(c.batches.list, config=types.ListBatchJobsConfig(page_size=1))]
    check("batches list", job.name in listed and other.name in listed, listed)
    done = wait_batch(c, job.name)
    check("batches done", done is not None and done.state == types.JobState.JOB_STATE_SUCCEEDED, done and done.state)
    responses = done.dest.inlined_responses if done and done.dest else []
    texts = [x.response.text for x in responses if x.response]
    check("batches results", texts == [f"You said: question {i}" for i in range(5)], texts)
    call(c.batches.delete, name=job.name)

    # An embeddings batch, and a batch from an uploaded JSONL file with a results file.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # create_embeddings is marked experimental
        emb = call(c.batches.create_embeddings, model="gemini-embedding-001",
                   src=types.EmbeddingsBatchJobSource(inlined_requests=types.EmbedContentBatch(
                       contents=["cat", "dog"], config=types.EmbedContentConfig(output_dimensionality=8))))
    emb = wait_batch(c, emb.name)
    vecs = (emb.dest.inlined_embed_content_responses or []) if emb and emb.dest else []
    check("batches embeddings", len(vecs) == 2 and len(vecs[0].response.embedding.values) == 8, vecs)
    lines = "\n".join(json.dumps({"key": f"r{i}", "request": {"contents": [{"parts": [{"text": f"line {i}"}]}]}})
                      for i in range(3))
    src = call(c.files.upload, file=io.BytesIO(lines.encode()),
               config=types.UploadFileConfig(mime_type="application/jsonl"))
    fjob = wait_batch(c, call(c.batches.create, model="gemini-2.5-flash", src=src.name).name)
    results_file = fjob.dest.file_name if fjob and fjob.dest else None
    check("batches file output", bool(results_file) and results_file.startswith("files/batch-"), fjob)
    if results_file:
        out = call(c.files.download, file=results_file).decode()
        got = sorted((json.loads(x)["key"], json.loads(x)["response"]["candidates"][0]["content"]["parts"][0]["text"])
                     for x in out.splitlines())
        check("batches file results", got == [(f"r{i}", f"You said: line {i}") for i in range(3)], out[:300])
    try:
        call(c.batches.get, name=job.name)
        check("batches deleted", False, "no error")
    except errors.ClientError as err:
        check("batches deleted", err.code == 404, err)


def main():
    import suite_media  # noqa: E402  (after `compat` is registered)
    import suite_interactions  # noqa: E402
    import suite_live  # noqa: E402

    for suite in (sync_suite, lambda: asyncio.run(async_suite()), files_caches_batches_suite,
                  suite_media.suite, suite_interactions.suite, suite_live.suite):
        try:
            suite()
        except Exception:  # an unexpected SDK error is one failed check
            traceback.print_exc()
            check("suite raised", False)
    print(f"python-compat: {CALLS} SDK calls made against {BASE_URL}")
    print(f"python-compat: {PASSED} passed, {FAILED} failed")
    return 1 if FAILED or PASSED == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
