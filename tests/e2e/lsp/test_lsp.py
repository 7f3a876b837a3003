"""`specgate lsp` end to end: the release binary over stdio, a real client.

Walks: open -> diagnostics -> definition -> references -> hover -> an edit
that fixes a finding -> the diagnostic disappears.
"""

import asyncio
import os
import pathlib
import shutil

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

HERE = pathlib.Path(__file__).resolve().parent
FIXTURE = HERE.parent.parent / "fixtures" / "lsp-basic"
BIN = os.environ.get("SPECGATE_BIN", str(HERE.parents[2] / "target" / "release" / "specgate"))
TIMEOUT = 20


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path):
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    lsp_client.root = root.resolve()
    lsp_client.registrations = []

    # VS Code accepts dynamic registrations (the server registers its file
    # watcher); pytest-lsp's client needs a handler for them.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=lsp_client.root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=lsp_client.root.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def wait_for(client: LanguageClient, what: str, cond):
    """Waits (on published diagnostics) until cond() holds."""

    async def loop():
        while not cond():
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    try:
        await asyncio.wait_for(loop(), TIMEOUT)
    except asyncio.TimeoutError:
        raise AssertionError(f"timed out waiting for {what}; diagnostics: {client.diagnostics}")


def position(text: str, needle: str, delta: int = 0) -> types.Position:
    """UTF-16 position of `needle` (the fixture lines are ASCII)."""
    at = text.index(needle) + delta
    line = text.count("\n", 0, at)
    return types.Position(line=line, character=at - (text.rfind("\n", 0, at) + 1))


def codes(client, uri):
    return [d.code for d in client.diagnostics.get(uri, [])]


async def test_open_navigate_and_fix(client: LanguageClient):
    root = client.root
    api_uri = (root / "openapi.yaml").as_uri()
    prd_uri = (root / "prd.md").as_uri()
    text = (root / "openapi.yaml").read_text()

    # open -> diagnostics
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=api_uri, language_id="yaml", version=1, text=text)
        )
    )
    await wait_for(client, "FR-099 reported", lambda: "unknown-requirement" in codes(client, api_uri))
    unknown = next(d for d in client.diagnostics[api_uri] if d.code == "unknown-requirement")
    assert unknown.range.start == position(text, "FR-099")
    assert "FR-099" in unknown.message
    assert unknown.code_description.href.endswith("#unknown-requirement")
    assert [r.method for r in client.registrations] == ["workspace/didChangeWatchedFiles"]
    # Files that are not open are checked too.
    await wait_for(client, "FR-004 uncovered", lambda: "uncovered-requirement" in codes(client, prd_uri))

    # definition: FR-001 in x-fr-ids -> its row in the PRD
    defn = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=api_uri),
            position=position(text, "FR-001]", 2),
        )
    )
    loc = defn if isinstance(defn, types.Location) else defn[0]
    assert loc.uri == prd_uri
    prd = (root / "prd.md").read_text()
    assert loc.range.start == position(prd, "FR-001")

    # references: FR-002 -> the operation, the PRD prose, the definition
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=api_uri),
            position=position(text, "FR-002", 1),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert [r.uri for r in refs] == [api_uri, prd_uri, prd_uri]

    # hover: FR-001's title, priority and the operation tracing it
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=api_uri),
            position=position(text, "FR-001]", 1),
        )
    )
    value = hover.contents.value
    assert "List appointments" in value and "P0" in value and "GET /appointments" in value

    # an edit that fixes the finding: FR-099 -> FR-003
    start = position(text, "FR-099")
    end = types.Position(line=start.line, character=start.character + len("FR-099"))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=api_uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text="FR-003")
            ],
        )
    )
    await wait_for(client, "FR-099 gone", lambda: "unknown-requirement" not in codes(client, api_uri))
    # The rest of the file's findings are still there (the DELETE is untraced).
    assert "untraced-operation" in codes(client, api_uri)

    # The inventory command the editor extensions call.
    inv = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="specgate.inventory")
    )
    assert inv.startswith("# Endpoint Inventory") and "bookAppointment" in inv
