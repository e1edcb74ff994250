"""Physics against hand-worked frames, on one game and on a batch."""

import numpy as np
import pytest

from flappy_pg.errors import ConfigError
from flappy_pg.game.config import GameConfig
from flappy_pg.game.core import SPRITE_BOTTOM, SPRITE_TOP, GameBatch, Physics, ScalarOps, SingleGame


def box(**changes) -> GameConfig:
    """The game with the bird's box as its crash shape and all pipes 144 apart (the default
    before the original's geometry), on which the hand-worked frames below are counted."""
    return GameConfig(**{"bird_shape": "box", "pipe_spacing": 144, "pipe_spacing_swing": 0, **changes})


BOX = box()


def single(config=BOX, key=123):
    game = SingleGame(Physics(config, ScalarOps))
    game.reset(key)
    return game


def test_defaults_are_the_classic_figures_and_the_originals_geometry():
    c = GameConfig()
    assert (c.screen_width, c.screen_height, c.bird_x, c.bird_start_y) == (288, 512, 57, 244)
    assert c.ground_y == pytest.approx(404.48)
    assert (c.gap_top_min, c.gap_top_max) == (80, 221)
    assert (c.pipe_speed, c.first_pipe_x, c.pipe_gap) == (4, 488, 100)
    assert (c.bird_shape, c.pipe_spacing, c.pipe_spacing_swing) == ("sprite", 148, 4)


def test_a_complete_game_saved_before_the_shape_and_swing_existed_loads_as_the_box_game():
    saved = {k: v for k, v in BOX.to_dict().items() if k not in ("bird_shape", "pipe_spacing_swing")}
    assert GameConfig.from_dict(saved) == BOX
    assert GameConfig.from_dict({"pipe_gap": 120}) == GameConfig(pipe_gap=120)  # partial: defaults
    assert GameConfig.from_dict(GameConfig().to_dict()) == GameConfig()


def test_first_frames_fall_then_flap_sets_speed():
    game = single()
    game.step(False)  # starts at speed -9, gravity makes it -8
    assert (game.y, game.vel) == (236, -8)
    game.step(False)
    assert (game.y, game.vel) == (229, -7)
    game.step(True)  # a flap sets the speed, it does not add
    assert (game.y, game.vel) == (220, -9)


def test_fall_speed_is_capped():
    game = single()
    speeds = []
    for _ in range(25):
        game.step(False)
        speeds.append(game.vel)
    assert max(speeds) == 10 and speeds[-1] == 10 and speeds[18] == 10 and speeds[17] == 9


def test_flap_is_ignored_above_the_ceiling():
    physics = Physics(BOX, ScalarOps)
    assert physics.move_bird(-48.0, -3.0, True) == (-50.0, -2.0)  # at the ceiling: gravity only
    assert physics.move_bird(-47.0, -3.0, True) == (-56.0, -9.0)


def test_ground_stops_the_bird_and_crashes_it_at_the_edge():
    physics = Physics(BOX, ScalarOps)
    y, vel = physics.move_bird(379.0, 10.0, False)
    assert y == pytest.approx(BOX.ground_y - 24) and vel == 10
    far_pipe_t = 0  # the first pipe is off-screen
    assert physics.crashed(BOX.ground_y - 25.0 + 1e-9, far_pipe_t, 0, 100)
    assert not physics.crashed(BOX.ground_y - 25.01, far_pipe_t, 0, 100)


@pytest.mark.parametrize("pipe_x, hits", [(91, False), (90, True), (6, True), (5, False)])
def test_pipe_collision_at_the_pixel_edge(pipe_x, hits):
    # Bird box spans x 57..90 (34 px); a pipe spans pipe_x .. pipe_x + 51.
    config = box(first_pipe_x=pipe_x + 400)
    physics = Physics(config, ScalarOps)
    t = 100  # pipe 0 has moved 400 px: it is at pipe_x
    k = physics.next_pipe(t)
    assert physics.pipe_x(t, 0) == pipe_x
    above_gap = 150.0 - 0.5
    assert physics.crashed(above_gap, t, k, 150) == hits


def test_sprite_shape_crashes_only_where_an_opaque_pixel_meets_a_pipe():
    # Pipe 0 at x 90: it overlaps only the bird's last column (x 33), whose topmost opaque row is
    # 10 and bottommost 18. The box crashes as soon as the bird's top is above the gap.
    sprite = Physics(box(first_pipe_x=490, bird_shape="sprite"), ScalarOps)
    boxed = Physics(box(first_pipe_x=490), ScalarOps)
    t, gap = 100, 150
    assert sprite.pipe_x(t, 0) == 90
    assert boxed.crashed(149.0, t, 0, gap) and not sprite.crashed(149.0, t, 0, gap)
    assert not sprite.crashed(140.0, t, 0, gap) and sprite.crashed(139.0, t, 0, gap)
    assert not sprite.crashed(150.0 + 100 - 19, t, 0, gap)  # row 18 on the gap's last row
    assert sprite.crashed(150.0 + 100 - 18, t, 0, gap)
    # Overlapping the middle columns, the sprite reaches its box's top and bottom rows.
    t = 110  # pipe at x 50: columns 0..44 of the pipe cover bird columns 0..44-7
    assert sprite.crashed(149.0, t, 0, gap) == boxed.crashed(149.0, t, 0, gap) is True
    assert not sprite.crashed(150.0, t, 0, gap) and not sprite.crashed(226.0, t, 0, gap)
    assert sprite.crashed(227.0, t, 0, gap)


def test_sprite_shape_is_the_bird_sprites_opaque_pixels():
    pygame = pytest.importorskip("pygame")
    from flappy_pg.render.art import assets_dir
    opaque = np.zeros((24, 34), dtype=bool)
    for frame in range(3):  # the union of the wing frames
        mask = pygame.mask.from_surface(pygame.image.load(str(assets_dir() / f"bird{frame}.png")))
        opaque |= np.array([[mask.get_at((x, y)) for x in range(34)] for y in range(24)], dtype=bool)
    rows = [np.flatnonzero(opaque[:, x]) for x in range(34)]
    assert SPRITE_TOP == tuple(int(r[0]) for r in rows)
    assert SPRITE_BOTTOM == tuple(int(r[-1]) for r in rows)


def test_a_swing_alternates_the_distances_like_the_original():
    # The original spawns each new pipe at x = 298 when the first one passes x = 5: after the
    # first two (144 apart) its pipes lie 150, 144, 152, 144, 152, ... apart. 148 +- 4 keeps
    # every distance but that 150 (152 here), so its pipes sit 2 px further right.
    physics = Physics(box(pipe_spacing=148, pipe_spacing_swing=4), ScalarOps)
    lefts = [physics.pipe_x(0, i) for i in range(7)]
    assert lefts == [488, 632, 784, 928, 1080, 1224, 1376]
    assert [physics.distance_after(i) for i in range(4)] == [144, 152, 144, 152]


@pytest.mark.parametrize("config", [GameConfig(), BOX, box(pipe_spacing=148, pipe_spacing_swing=4),
                                    box(pipe_spacing=170, pipe_spacing_swing=30, pipe_speed=7)])
def test_next_pipe_and_passed_pipes_count_what_the_pipe_positions_say(config):
    physics, c = Physics(config, ScalarOps), config
    for t in range(0, 2000, 3):
        lefts = [physics.pipe_x(t, i) for i in range(120)]
        assert physics.next_pipe(t) == sum(x + c.pipe_width <= c.bird_x for x in lefts)
        centre = c.bird_x + c.bird_width / 2
        assert physics.pipes_passed(t) == sum(x + c.pipe_width / 2 <= centre for x in lefts)


def test_gap_edges_at_the_pixel():
    physics = Physics(box(first_pipe_x=97), ScalarOps)  # pipe 0 at x 57 when t = 10
    t, gap = 10, 150
    assert not physics.crashed(150.0, t, 0, gap)  # top edge touching the gap's top: inside
    assert physics.crashed(149.9, t, 0, gap)
    assert not physics.crashed(226.0, t, 0, gap)  # bottom at 250 = gap bottom: inside
    assert physics.crashed(226.1, t, 0, gap)


def test_each_pipe_scores_exactly_once_when_its_centre_is_reached():
    game = single(box(pipe_gap=200))
    scores = {}
    for _ in range(200):
        gap_bottom = game.next_gap + 200
        game.step(game.y + 24 > gap_bottom - 30)
        assert not game.crashed
        scores[game.t] = game.score
    # pipe 0's centre (488 + 26 - 4t) reaches the bird's centre (57 + 17) at t = 110
    assert scores[109] == 0 and scores[110] == 1 and scores[145] == 1 and scores[146] == 2
    assert scores[200] == 3


def test_no_score_on_the_crash_frame():
    physics = Physics(BOX, ScalarOps)
    assert physics.pipes_passed(110) == 1 and physics.pipes_passed(109) == 0
    game = single()
    game.y, game.vel, game.t = 300.0, 10.0, 109  # falling into the lower pipe
    game.next_index, game.next_gap = 0, 100
    game.step(False)
    assert game.crashed and game.score == 0


def test_pipe_heights_are_in_range_and_depend_on_the_key():
    physics = Physics(BOX, ScalarOps)
    gaps = [physics.gap_top(7, i) for i in range(3000)]
    assert min(gaps) == 80 and max(gaps) == 221
    assert len(set(gaps)) == 142
    assert gaps[:20] != [physics.gap_top(8, i) for i in range(20)]


@pytest.mark.parametrize("config", [GameConfig(), BOX, box(pipe_gap=160),
                                    box(gravity=0.37, flap_speed=-6.3, pipe_gap=150),
                                    box(bird_shape="sprite"),
                                    box(bird_shape="sprite", pipe_spacing=148, pipe_spacing_swing=4),
                                    box(pipe_spacing=170, pipe_spacing_swing=30, pipe_speed=7),
                                    box(bird_width=60, pipe_width=30, pipe_speed=7,
                                               pipe_spacing=110, pipe_gap=140)])
def test_batch_runs_the_same_physics_as_single_games(config):
    keys = list(range(11, 200, 11))
    batch = GameBatch(Physics(config), len(keys))
    batch.reset(np.arange(len(keys)), np.array(keys, dtype=np.uint64))
    games = [single(config, key=k) for k in keys]
    rng = np.random.default_rng(0)
    for _ in range(600):
        flaps = (batch.y + config.bird_height > batch.next_gap + 0.7 * config.pipe_gap) | \
            (rng.random(len(keys)) < 0.03)
        passed = batch.step(flaps)
        for i, game in enumerate(games):
            if game.crashed:
                continue
            assert game.step(bool(flaps[i])) == passed[i]
            assert (game.y, game.vel, game.t, game.score, game.crashed, game.next_index,
                    game.next_gap, game.after_gap) == (
                batch.y[i], batch.vel[i], batch.t[i], batch.score[i], batch.crashed[i],
                batch.next_index[i], batch.next_gap[i], batch.after_gap[i])
    assert batch.score.max() >= 3  # pipes were passed, not just crashed into


@pytest.mark.parametrize("change", [{"pipe_gap": 0}, {"pipe_gap": 400}, {"pipe_speed": 2.5},
                                    {"flap_speed": 3.0}, {"gravity": -1.0}, {"pipe_spacing": 60},
                                    {"bird_shape": "round"}, {"pipe_spacing_swing": -1},
                                    {"pipe_spacing_swing": 60},
                                    {"bird_shape": "sprite", "bird_width": 30}])
def test_invalid_config_is_refused(change):
    with pytest.raises(ConfigError):
        box(**change)
    with pytest.raises(ConfigError):
        GameConfig(**change)


def test_config_round_trips_and_rejects_unknown_keys():
    config = box(pipe_gap=130)
    assert GameConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ConfigError, match="unknown"):
        GameConfig.from_dict({"pipe_gapp": 3})


def mean_climb(flaps) -> float:
    """Pixels a frame the bird moves on average under a flap pattern (positive: down), away from
    the ceiling and the ground."""
    physics = Physics(GameConfig(), ScalarOps)
    vel, total = GameConfig().flap_speed, 0.0
    for flap in flaps:
        _, vel = physics.move_bird(200.0, vel, bool(flap))
        total += vel
    return total / len(flaps)


def test_random_flaps_at_p_008_keep_a_bird_about_level_as_regular_flaps_every_19_frames_do():
    # README and examples/sb3_ppo.py give this as the reason for the starting flap probability.
    assert abs(mean_climb(np.arange(19 * 2000) % 19 == 0)) < 0.01
    assert abs(mean_climb(np.random.default_rng(0).random(200_000) < 0.08)) < 0.3
    assert mean_climb(np.arange(12 * 2000) % 12 == 0) < -3  # regular flaps every 12 frames climb
