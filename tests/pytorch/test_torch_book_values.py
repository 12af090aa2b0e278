"""Chapter 1's PyTorch numbers: the book's start, first gradients and the result of its loop."""

from __future__ import annotations

import json

import pytest

from gd_tui.cli import main
from gd_tui.engine import Config
from gd_tui.engine.breakpoints import epochs, step_done


def machine(**options: object):  # type: ignore[no-untyped-def]
    from gd_tui.pytorch import TorchMachine

    return TorchMachine(Config(backend="torch", **options))  # type: ignore[arg-type]


def test_step_0_prints_the_books_start(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--backend", "torch", "--steps", "1", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert f"{record['b']:.4f}, {record['w']:.4f}" == "0.3367, 0.1288"


def test_the_first_backward_gives_the_books_gradients() -> None:
    # print(b.grad, w.grad) after the first loss.backward(): tensor([-3.1125]) tensor([-1.8156])
    torch_machine = machine()
    torch_machine.run_until(step_done(3))
    b_grad, w_grad = torch_machine.grads()
    assert f"{b_grad:.4f} {w_grad:.4f}" == "-3.1125 -1.8156"


def test_1000_epochs_of_batch_gradient_descent_print_the_books_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--backend", "torch", "--epochs", "1000", "--lr", "0.1", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert f"b = {record['b']:.4f}, w = {record['w']:.4f}" == "b = 1.0235, w = 1.9690"
    # print(b, w) at the end of the book's loop, as PyTorch prints it.
    assert record["printed"] == "tensor([1.0235], requires_grad=True) tensor([1.9690], requires_grad=True)"
    assert record["dtype"] == "float32"
    # float32 ends a few millionths away from the float64 NumPy run from the same start.
    assert 0 < record["parity_b"] < 1e-4 and 0 < record["parity_w"] < 1e-4


@pytest.mark.parametrize("model", ["module", "linear"])
def test_model_variants_reach_the_same_line(model: str) -> None:
    torch_machine = machine(model=model)
    torch_machine.run_until(epochs(1000))
    b, w = torch_machine.state.b[0], torch_machine.state.w[0]
    assert f"{b:.4f} {w:.4f}" == "1.0235 1.9690"
    text = "\n".join(torch_machine.parameter_lines())
    # model.state_dict() names the parameters as the model does.
    assert text.startswith("model.state_dict()")
    assert ("'b': tensor([1.0235])" in text) if model == "module" else ("'0.weight': tensor([[1.9690]])" in text)


def test_the_module_draws_the_same_start_as_the_tensors_and_linear_its_own() -> None:
    start = {model: machine(model=model).start for model in ("manual", "module", "linear")}
    assert start["module"] == start["manual"]
    # nn.Linear(1, 1) after torch.manual_seed(42): the book's bias 0.8300 and weight 0.7645.
    assert f"{start['linear'][0]:.4f} {start['linear'][1]:.4f}" == "0.8300 0.7645"
