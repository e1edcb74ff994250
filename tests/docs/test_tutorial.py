"""The tutorial notebook runs top to bottom (in its quick mode: the same cells, tiny budgets),
and the committed notebook is the one `docs/make_tutorial.py` writes."""

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.slow
def test_the_tutorial_runs_top_to_bottom_in_quick_mode(monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("FLAPPY_PG_QUICK", "1")  # the kernel inherits it
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own inline backend shows plots
    notebook = nbformat.read(DOCS / "reinforce_tutorial.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the trick's error, the first frame, the learning curve
    assert any("image/gif" in o.get("data", {}) for o in outputs)  # the agent playing
    text = "".join(o.get("text", "") for o in outputs)
    assert "quick mode" in text and "greedy mean" in text and "reward-to-go - V(s)" in text


def test_the_committed_notebook_has_the_cells_the_script_writes():
    nbformat = pytest.importorskip("nbformat")
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_tutorial", DOCS / "make_tutorial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = nbformat.read(DOCS / "reinforce_tutorial.ipynb", as_version=4)
    assert [c.source for c in committed.cells] == [c.source for c in module.CELLS]
