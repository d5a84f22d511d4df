"""The Live API through the official SDK's `client.aio.live.connect` (always `wss://`: run.sh
starts the emulator with `--tls` and points SSL_CERT_FILE at its certificate): a text session
over two turns, session resumption on a new connection, audio in and out with
transcriptions, a function call answered with `send_tool_response`, the close-code errors,
and ephemeral tokens made with `client.auth_tokens.create` (v1alpha) that open one
constrained session each and are refused as API keys.

Run by compat.py's main(); it uses compat.py's helpers (acall, call, check, client) from the
running script.
"""

import asyncio
import datetime
import math
import struct
import urllib.error
import urllib.request
import warnings

from google import genai
from google.genai import errors, types

from __main__ import BASE_URL, acall, call, check, client

MODEL = "gemini-live-2.5-flash-preview"
AUDIO_MODEL = "gemini-2.5-flash-native-audio-preview-09-2025"


async def turn(session):
    """The text (model text parts, or the output transcription) and the messages of one turn."""
    text = ""
    messages = []
    async for msg in session.receive():  # ends after turnComplete
        messages.append(msg)
        content = msg.server_content
        if content and content.model_turn:
            for part in content.model_turn.parts or []:
                text += part.text or ""
        if content and content.output_transcription:
            text += content.output_transcription.text or ""
    return text, messages


async def say(session, text):
    await acall(session.send_client_content(
        turns=types.Content(role="user", parts=[types.Part(text=text)]), turn_complete=True))


async def text_session(c):
    config = types.LiveConnectConfig(response_modalities=["TEXT"])
    async with c.aio.live.connect(model=MODEL, config=config) as session:
        await say(session, "Hello Live")
        text, messages = await turn(session)
        check("live text turn", text == "You said: Hello Live (turn 1)", text)
        check("live streamed in several messages", len(messages) >= 4, len(messages))
        usage = messages[-1].usage_metadata
        check("live usage", usage is not None and usage.response_token_count > 0
              and usage.total_token_count == usage.prompt_token_count + usage.response_token_count,
              usage)
        await acall(session.send_realtime_input(text="and again"))
        text, _ = await turn(session)
        check("live second turn sees the history", text == "You said: and again (turn 2)", text)


async def resumption(c):
    config = types.LiveConnectConfig(response_modalities=["TEXT"],
                                     session_resumption=types.SessionResumptionConfig())
    handle = None
    async with c.aio.live.connect(model=MODEL, config=config) as session:
        await say(session, "remember me")
        text, _ = await turn(session)
        # The update follows turnComplete: one more message.
        async for msg in session.receive():
            if msg.session_resumption_update:
                update = msg.session_resumption_update
                handle = update.new_handle if update.resumable else None
                break
        check("live resumption update", handle is not None and text.endswith("(turn 1)"), text)
    config = types.LiveConnectConfig(response_modalities=["TEXT"],
                                     session_resumption=types.SessionResumptionConfig(handle=handle))
    async with c.aio.live.connect(model=MODEL, config=config) as session:
        await say(session, "back again")
        text, _ = await turn(session)
        check("live resumed conversation", text == "You said: back again (turn 2)", text)
    config = types.LiveConnectConfig(response_modalities=["TEXT"],
                                     session_resumption=types.SessionResumptionConfig(handle="nope"))
    try:
        async with c.aio.live.connect(model=MODEL, config=config) as session:
            check("live unknown handle refused", False, "connected")
    except errors.APIError as e:
        check("live unknown handle refused", e.code == 1007, e)


def pcm16(ms, rate, amplitude):
    n = ms * rate // 1000
    return b"".join(struct.pack("<h", int(math.sin(i * 0.2) * amplitude)) for i in range(n))


async def audio(c):
    config = types.LiveConnectConfig(
        response_modalities=["AUDIO"],
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig())
    async with c.aio.live.connect(model=AUDIO_MODEL, config=config) as session:
        for _ in range(5):
            await acall(session.send_realtime_input(
                audio=types.Blob(data=pcm16(100, 16000, 6000), mime_type="audio/pcm;rate=16000")))
        await acall(session.send_realtime_input(audio_stream_end=True))
        pcm = b""
        heard = ""
        said = ""
        mime = None
        async for msg in session.receive():
            content = msg.server_content
            if content and content.input_transcription:
                heard += content.input_transcription.text or ""
            if content and content.output_transcription:
                said += content.output_transcription.text or ""
            if content and content.model_turn:
                for part in content.model_turn.parts or []:
                    if part.inline_data:
                        pcm += part.inline_data.data
                        mime = part.inline_data.mime_type
        check("live audio heard", heard == "[0.50 s of audio]", heard)
        check("live audio out", mime == "audio/pcm;rate=24000" and len(pcm) > 0 and len(pcm) % 2 == 0,
              (mime, len(pcm)))
        check("live output transcription", said == "You said: [0.50 s of audio] (turn 1)", said)


def get_weather(city: str) -> dict:
    """Returns the weather for a city."""
    return {"city": city}


async def tools(c):
    config = types.LiveConnectConfig(response_modalities=["TEXT"], tools=[get_weather])
    async with c.aio.live.connect(model=MODEL, config=config) as session:
        await say(session, "call get_weather for Rome")
        call_ = None
        async for msg in session.receive():
            if msg.tool_call:
                call_ = msg.tool_call.function_calls[0]
                break
        check("live tool call", call_ is not None and call_.name == "get_weather" and call_.id, call_)
        await acall(session.send_tool_response(function_responses=[
            types.FunctionResponse(id=call_.id, name=call_.name, response={"temp_c": 21})]))
        text, _ = await turn(session)
        check("live tool response continues the turn",
              text == 'Function results: get_weather returned {"temp_c":21}. (turn 1)', text)


async def refused(c):
    try:
        async with c.aio.live.connect(model="gemini-2.5-flash") as session:
            check("live unsupported model", False, "connected")
    except errors.APIError as e:
        check("live unsupported model", e.code == 1008 and "bidiGenerateContent" in str(e), e)
    bad = client("v1beta", key="wrong-key")
    try:
        async with bad.aio.live.connect(model=MODEL) as session:
            check("live bad key", False, "connected")
    except errors.APIError as e:
        check("live bad key", e.code == 1008 and "API key not valid" in str(e), e)


async def tokens():
    alpha = client("v1alpha")
    now = datetime.datetime.now(datetime.timezone.utc)
    token = call(alpha.auth_tokens.create, config=types.CreateAuthTokenConfig(
        uses=1,
        expire_time=now + datetime.timedelta(minutes=30),
        new_session_expire_time=now + datetime.timedelta(minutes=1),
        live_connect_constraints=types.LiveConnectConstraints(
            model=MODEL,
            config=types.LiveConnectConfig(response_modalities=["TEXT"],
                                           system_instruction="Locked.")),
        lock_additional_fields=[]))
    check("tokens create", (token.name or "").startswith("auth_tokens/"), token)
    user = genai.Client(api_key=token.name,
                        http_options=types.HttpOptions(base_url=BASE_URL, api_version="v1alpha"))
    config = types.LiveConnectConfig(response_modalities=["TEXT"], system_instruction="Mine.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the SDK's ExperimentalWarning for tokens
        async with user.aio.live.connect(model=MODEL, config=config) as session:
            await say(session, "hi with a token")
            text, _ = await turn(session)
            check("tokens constrained session (locked instruction)",
                  text == "[Locked.] You said: hi with a token (turn 1)", text)
        try:
            async with user.aio.live.connect(model=MODEL, config=config) as session:
                check("tokens used up", False, "connected")
        except errors.APIError as e:
            check("tokens used up", e.code == 1008 and "no uses left" in str(e), e)
    # The SDK itself refuses REST calls with a token; the emulator refuses the token as a key.
    try:
        call(user.models.generate_content, model="gemini-2.5-flash", contents="x")
        check("tokens are not API keys (SDK)", False, "no error")
    except Exception as e:  # EphemeralTokenAPIKeyError, in a private module
        check("tokens are not API keys (SDK)", "live API" in str(e), e)
    request = urllib.request.Request(f"{BASE_URL}/v1beta/models",
                                     headers={"x-goog-api-key": token.name})
    try:
        urllib.request.urlopen(request, timeout=10)
        check("tokens are not API keys (REST)", False, "no error")
    except urllib.error.HTTPError as e:
        check("tokens are not API keys (REST)", e.code == 400, e.code)


async def run():
    c = client("v1beta")
    for part in (text_session, resumption, audio, tools, refused):
        await part(c)
    await tokens()


def suite():
    asyncio.run(run())
