"""Races in the window: agents against each other (`watch A B`) and a person against a ghost
(`play --against`)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from flappy_pg.app.race import GAME_OVER, GHOST_FLYING, PLAYING, GhostSession, Racer
from flappy_pg.cli import main
from flappy_pg.game.config import GameConfig
from tests.conftest import autopilot


def pilot(observation):
    return autopilot(observation), ""


@pytest.mark.slow
def test_watch_races_agents_and_records_exactly_the_frames_asked(tmp_path):
    out = tmp_path / "race.gif"
    result = CliRunner().invoke(main, ["watch", "reinforce", "qlearn", "--frames", "45",
                                       "--record", str(out)])
    assert result.exit_code == 0, result.output
    assert f"recorded 45 frames (1.5 s at 30 fps) to {out}" in result.output
    assert Image.open(out).n_frames == 45


@pytest.mark.slow
def test_a_race_round_ends_at_max_score_and_reports_every_bird(tmp_path):
    result = CliRunner().invoke(main, ["watch", "reinforce", "qlearn", "--max-score", "2",
                                       "--frames", "400", "--record", str(tmp_path / "r.gif")])
    assert result.exit_code == 0, result.output
    assert "round 1: REINFORCE 2, Q-learning 2" in result.output


@pytest.mark.parametrize("args, message", [
    (["watch", "reinforce", "nothing.pt"], "no agent 'nothing.pt'"),
    (["watch", "reinforce", "README.md"], "neither a flappy-pg checkpoint nor a Q-table"),
    (["watch", "reinforce", "--max-score", "0"], "--max-score"),
    (["watch", "--max-score", "5"], "give two or more agents"),
    (["play", "--against", "sideways"], "no agent 'sideways'"),
    (["play", "--against", "qlearn", "--gap", "140"], "the agent's own game"),
])
def test_bad_agents_get_one_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("not an agent\n" * 20)
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1


def ghost_session(seed=3):
    return GhostSession(GameConfig(), Racer("pilot", pilot), seed=seed)


def test_the_players_crash_never_stops_the_ghost():
    session = ghost_session()
    session.press_flap()  # start; the player then never flaps again and falls
    for _ in range(100):
        session.update()
    assert session.state == GHOST_FLYING and session.race.crashed[0]
    ghost_at_crash = int(session.race.scores[1])
    for _ in range(600):
        session.update()
    assert session.state == GHOST_FLYING and not session.race.crashed[1]
    assert session.race.scores[1] > ghost_at_crash  # its score kept counting
    session.press_flap()  # Space shows the result
    assert session.state == GAME_OVER and session.ghost_still_flying
    assert session.result() == "pilot went further"


def test_the_ghosts_crash_never_ends_the_players_game():
    session = GhostSession(GameConfig(), Racer("faller", lambda obs: (0, "")), seed=3)
    session.press_flap()
    observer = session.round.observers["features"]
    for _ in range(600):
        if autopilot(observer.of_batch(session.race.games)[0]):
            session.press_flap()
        session.update()
    assert session.race.crashed[1] and not session.race.crashed[0]
    assert session.state == PLAYING and session.race.scores[0] > 5
    assert session.race.scores[1] == 0


def test_the_best_score_against_an_agent_is_kept_apart(tmp_home):
    from flappy_pg.app.play import load_best, save_best
    save_best(GameConfig(), 7)
    save_best(GameConfig(), 3, against="qlearn")
    assert load_best(GameConfig()) == 7 and load_best(GameConfig(), "qlearn") == 3
    assert load_best(GameConfig(), "reinforce") == 0
    stored = json.loads((tmp_home / "best_scores.json").read_text())
    assert stored == {"original": 7, "original against qlearn": 3}


def test_play_against_records_the_frames_asked(tmp_path, tmp_home):
    out = tmp_path / "play.gif"
    result = CliRunner().invoke(main, ["play", "--against", "qlearn", "--mute", "--frames", "20",
                                       "--record", str(out)])
    assert result.exit_code == 0, result.output
    assert Image.open(out).n_frames == 20
    assert np.asarray(Image.open(out).convert("RGB")).shape == (512, 288, 3)


def test_a_png_recording_is_the_last_frame_shown(tmp_path):
    out = tmp_path / "shot.png"
    result = CliRunner().invoke(main, ["watch", "reinforce", "qlearn", "--frames", "10",
                                       "--record", str(out)])
    assert result.exit_code == 0 and "saved the last of 10 frames" in result.output
    assert Image.open(out).size == (288, 512)


@pytest.mark.slow
def test_the_shipped_pixel_agent_races_under_its_own_label(tmp_path):
    result = CliRunner().invoke(main, ["watch", "pixels", "reinforce", "--max-score", "2",
                                       "--frames", "400", "--record", str(tmp_path / "r.gif")])
    assert result.exit_code == 0, result.output
    assert "round 1: REINFORCE (pixels) " in result.output and ", REINFORCE " in result.output


def test_the_shipped_pixel_agent_is_evaluated_on_the_frames(tmp_path):
    from flappy_pg.paths import PIXEL_POLICY
    result = CliRunner().invoke(main, ["eval", str(PIXEL_POLICY), "--episodes", "3",
                                       "--max-score", "3"])
    assert result.exit_code == 0, result.output
    assert "score over 3 episodes" in result.output and "reinforce-pixels.pt" in result.output


def test_race_labels_never_overlap_when_birds_fly_close():
    from flappy_pg.app.race import spread_labels
    from flappy_pg.render.renderer import LABEL_HEIGHT
    wanted = [200.0, 203.0, 150.0, 199.0, -30.0]
    tops = spread_labels(wanted)
    ordered = sorted(tops)
    assert all(b - a >= LABEL_HEIGHT for a, b in zip(ordered, ordered[1:]))
    assert min(tops) >= 0 and tops[2] == 150.0  # a label with room stays where it wants
    assert all(t >= w for t, w in zip(tops, wanted))  # moved down only, never up into the pipes
