"""Autograd's graph as the torch backend reads it, the zero_grad lesson, and stepping back on torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gd_tui.engine import Config
from gd_tui.engine.breakpoints import end_of_update, step_done
from gd_tui.lessons import load_lesson


def machine(**options: Any):  # type: ignore[no-untyped-def]
    from gd_tui.pytorch import TorchMachine

    return TorchMachine(Config(backend="torch", **options))


def walk(function: Any) -> list[str]:
    """Node class names behind a grad_fn, depth first, each node once (as the graph view lists them)."""
    names: list[str] = []
    seen: set[int] = set()

    def visit(node: Any) -> None:
        if node is None:
            return
        names.append(type(node).__name__)
        if id(node) in seen:
            return
        seen.add(id(node))
        for child, _ in node.next_functions:
            visit(child)

    visit(function)
    return names


@pytest.mark.parametrize("model", ["manual", "module", "linear"])
def test_the_graph_is_the_one_behind_the_real_loss(model: str) -> None:
    torch_machine = machine(model=model)
    torch_machine.run_until(step_done(2))
    expected = walk(torch_machine._loss_tensor.grad_fn)
    assert torch_machine.graph.names() == expected
    assert expected[0] == "MseLossBackward0" and expected.count("AccumulateGrad") == 2
    lines = torch_machine.graph.lines()
    # In order, one node a line, after the loss's own value.
    assert lines[0] == f"loss = {torch_machine.state.loss:.8g}"
    positions = [next(i for i, line in enumerate(lines) if name in line and i > 0) for name in expected[:2]]
    assert positions == sorted(positions)
    assert not any(".grad =" in line for line in lines)  # backward() has not run yet


def test_after_backward_the_graph_shows_the_gradients_reaching_b_and_w() -> None:
    torch_machine = machine()
    torch_machine.run_until(step_done(3))
    b_grad, w_grad = torch_machine.grads()
    text = "\n".join(torch_machine.graph.lines())
    assert f"b.grad = {b_grad:.8g}" in text and f"w.grad = {w_grad:.8g}" in text
    assert "AccumulateGrad (b)" in text and "AccumulateGrad (w)" in text


def test_the_books_two_experiments() -> None:
    import torch

    from gd_tui.pytorch import experiments

    x = torch.rand(8, 1)
    y = 1 + 2 * x
    no_grad = experiments.run("no-grad-b", x, y, 42)
    # b_nograd needs no gradient: no AccumulateGrad for it, the one for w stays.
    assert no_grad.names().count("AccumulateGrad") == 1
    assert [node.variable for node in no_grad.nodes if node.variable] == ["w"]
    branch = experiments.run("branch", x, y, 42)
    # The if on the loss ran, so the graph has a second mean hanging off the sum.
    assert branch.names()[0] == "AddBackward0" and branch.names().count("MeanBackward0") == 2


def test_without_zero_grad_the_gradient_is_the_running_sum_of_every_gradient_so_far() -> None:
    import torch

    lesson = load_lesson("no-zero-grad")
    assert lesson.config.backend == "torch" and lesson.config.zero_grad is False
    torch_machine = machine(zero_grad=False)
    loss_fn = torch.nn.MSELoss()
    total_b = torch.zeros(1)
    total_w = torch.zeros(1)
    for _ in range(6):
        torch_machine.run_until(step_done(1))
        state = torch_machine.state
        # This update's own gradient, from fresh tensors at the same b and w.
        b = torch.tensor(state.b, dtype=torch.float32, requires_grad=True)
        w = torch.tensor(state.w, dtype=torch.float32, requires_grad=True)
        x = torch.as_tensor(state.x_batch).float()
        y = torch.as_tensor(state.y_batch).float()
        loss_fn(b + w * x, y).backward()
        total_b += b.grad
        total_w += w.grad
        torch_machine.run_until(step_done(3))
        assert torch_machine.grads() == (float(total_b[0]), float(total_w[0]))
        assert torch_machine.state.b_grad == float(total_b[0])
        torch_machine.run_until(end_of_update())
        assert torch_machine.grads() == (float(total_b[0]), float(total_w[0]))  # step() did not let them go
    # With zero_grad() the gradients are gone after every update.
    books = machine()
    books.run_until(end_of_update())
    assert books.grads() == (None, None)


@pytest.mark.parametrize("options", [{}, {"zero_grad": False}, {"batch_size": 16, "model": "linear"}])
def test_stepping_back_and_forward_again_gives_the_same_states(options: dict[str, Any]) -> None:
    torch_machine = machine(**options)
    seen = []
    for _ in range(40):
        state = torch_machine.advance()
        seen.append((state.b[0], state.w[0], state.loss, state.b_grad, torch_machine.grads(), torch_machine.parity()))
    for _ in range(23):
        torch_machine.back()
    assert torch_machine.state.t == 17
    assert torch_machine.twin.state.t == 17
    for expected in seen[17:]:
        state = torch_machine.advance()
        assert (state.b[0], state.w[0], state.loss, state.b_grad, torch_machine.grads(), torch_machine.parity()) == (
            expected
        )
    # goto back and run: the same numbers again, and the graph rebuilt at the position.
    torch_machine.goto(8)
    assert torch_machine.graph is not None and torch_machine.state.cursor == 3
    assert np.array_equal(torch_machine.state.b, np.array([seen[7][0]]))


def test_a_learning_rate_set_mid_run_reaches_the_optimizer_and_the_twin() -> None:
    torch_machine = machine(dtype="float64", init="numpy")
    torch_machine.run_until(end_of_update())
    torch_machine.set_lr(0.5)
    torch_machine.run_until(end_of_update())
    torch_machine.run_until(end_of_update())
    gap = torch_machine.parity()
    assert gap is not None and max(gap) < 1e-14
    assert torch_machine.twin.state.lr == 0.5


def test_a_session_on_the_torch_backend_resumes_at_the_same_numbers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gd_tui.session import capture, load, restore, save

    torch_machine = machine(zero_grad=False, batch_size=16)
    for _ in range(33):
        torch_machine.advance()
    path = save(capture(torch_machine), tmp_path / "session.json")
    again = restore(load(path))
    assert type(again) is type(torch_machine)
    assert again.state.b[0] == torch_machine.state.b[0] and again.grads() == torch_machine.grads()
