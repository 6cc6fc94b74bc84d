"""Hadamard matrices exactly as R ``survey``'s ``hadamard()`` builds them (0/1 form).

BRR and Fay replicates take their signs from a Hadamard matrix, and the matrix R picks for
a given number of strata fixes the order and sign pattern of every replicate. To compare
replicate weights with R column by column, this module reproduces R's choice: its stored
matrices of order 4, 16, 28 and 36, Sylvester doubling, and Paley's construction.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import numpy.typing as npt

__all__ = ["hadamard", "paley"]

IntMatrix = npt.NDArray[np.int64]

# R survey's ``hadamard.list`` entries of order 28 and 36, one row per string. (Orders 4
# and 16 are Sylvester matrices and are generated.)
_ORDER_28 = (
    "1111111111111111111111111111",
    "1001110001110001110001111000",
    "1000001111001101001101111000",
    "1000001110110010111001100110",
    "1001101000001111100011010110",
    "1001010100101100010110101110",
    "1000110011010010001110011110",
    "0101100010101010011111110000",
    "0100010110110101100111010100",
    "0100011011001011110010101100",
    "0101011000010111011101001010",
    "0100101101100100111010011010",
    "0101100101011001101100100110",
    "0010110100011110101011101000",
    "0011011001100110101100110100",
    "0010101100111011010100011100",
    "0011000111010111010010110010",
    "0011001011111000100111001010",
    "0010110011101101011001000110",
    "1110101001010100010111100100",
    "1111000101100011001011001100",
    "1111000010011100111000011100",
    "1110010101001010110101010010",
    "1110011000111001001010110010",
    "1110100010100111100100101010",
    "1101111111111110000000000000",
    "1011111110000001111110000000",
    "0111111110000000000001111110",
)
_ORDER_36 = (
    "111111111111111111111111111111111111",
    "010111000111110111001000010101100100",
    "101110001111101110010000101011001000",
    "011100011111011100100001010110010010",
    "111000111110111001000010101100100100",
    "110001111101110010000101011001001010",
    "100011111011100100001010110010010110",
    "000111110111001000010101100100101110",
    "001111101110010000101011001001011100",
    "011111011100100001010110010010111000",
    "111110111001000010101100100101110000",
    "111101110010000101011001001011100010",
    "111011100100001010110010010111000110",
    "110111001000010101100100101110001110",
    "101110010000101011001001011100011110",
    "011100100001010110010010111000111110",
    "111001000010101100100101110001111100",
    "110010000101011001001011100011111010",
    "100100001010110010010111000111110110",
    "001000010101100100101110001111101110",
    "010000101011001001011100011111011100",
    "100001010110010010111000111110111000",
    "000010101100100101110001111101110010",
    "000101011001001011100011111011100100",
    "001010110010010111000111110111001000",
    "010101100100101110001111101110010000",
    "101011001001011100011111011100100000",
    "010110010010111000111110111001000010",
    "101100100101110001111101110010000100",
    "011001001011100011111011100100001010",
    "110010010111000111110111001000010100",
    "100100101110001111101110010000101010",
    "001001011100011111011100100001010110",
    "010010111000111110111001000010101100",
    "100101110001111101110010000101011000",
    "001011100011111011100100001010110010",
)

# primes p ≡ 3 (mod 4) that R's ``paley()`` knows, up to 7919 (generated, not listed).
_PALEY_LIMIT = 7919


def hadamard(size: int) -> IntMatrix:
    """A 0/1 Hadamard matrix with more than ``size`` rows, as R ``survey::hadamard(size)``.

    Rows 2..size+1 give the half-sample pattern of each of ``size`` strata; the number of
    columns is the number of BRR replicates.

    Examples
    --------
    >>> hadamard(3).tolist()
    [[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]]
    >>> hadamard(15).shape
    (16, 16)
    """
    stored = _stored()
    sizes = [matrix.shape[0] for matrix in stored]
    lower = size - size % 4
    fitting = [index for index, order in enumerate(sizes) if lower < order <= lower + 4]
    if fitting:
        return stored[min(fitting)].copy()
    if all(lower < order for order in sizes):
        return stored[0].copy()
    doubled = [order * 2 ** max(0, math.ceil(math.log2((size + 1) / order))) for order in sizes]
    best = int(np.argmin([order - size for order in doubled]))
    if doubled[best] - size > 4:
        matrix = paley(size, doubled[best])
        if matrix is not None:
            return matrix
    matrix = stored[best]
    for _ in range(math.ceil(math.log2(doubled[best] / sizes[best]))):
        matrix = _double(matrix)
    return matrix.copy()


def paley(size: int, largest: int | None = None, *, prime: int | None = None) -> IntMatrix | None:
    """Paley-construction Hadamard matrix as R ``survey:::paley`` (None when it has none).

    Examples
    --------
    >>> paley(3, prime=3).tolist()
    [[1, 1, 1, 1], [1, 0, 0, 1], [1, 0, 1, 0], [1, 1, 0, 0]]
    """
    if prime is None:
        limit = 2 * size if largest is None else largest
        ceiling = size + 4 - size % 4
        candidate = ceiling
        if size % 4 + 4 == size % 8:
            while candidate % 8 == 0:
                candidate //= 2
            if candidate - 1 in _paley_primes():
                matrix = paley(candidate - 1, prime=candidate - 1)
                assert matrix is not None
                while candidate < ceiling:
                    matrix = _double(matrix)
                    candidate *= 2
                return matrix
        if size > _PALEY_LIMIT:
            return None
        chosen = min(p for p in _paley_primes() if p >= size)
        if chosen + 1 > ceiling + 4 and ceiling + 4 < limit:
            return paley(ceiling + 3)
        if chosen > limit:
            return None
    else:
        chosen = prime
    indices = np.arange(chosen)
    sums = (indices[:, None] + indices[None, :]) % chosen
    residues = {0} | {(i * i) % chosen for i in range(1, (chosen - 1) // 2 + 1)}
    core = np.where(np.isin(sums, list(residues)), 0, 1).astype(np.int64)
    matrix = np.ones((chosen + 1, chosen + 1), dtype=np.int64)
    matrix[1:, 1:] = core
    return matrix


def _double(matrix: IntMatrix) -> IntMatrix:
    """R ``hadamard.doubler``: [[H, H], [H, 1 − H]]."""
    return np.block([[matrix, matrix], [matrix, 1 - matrix]]).astype(np.int64)


@cache
def _stored() -> tuple[IntMatrix, ...]:
    """R's ``hadamard.list``: orders 4, 16 (Sylvester), 28 and 36 (stored)."""
    one = np.ones((1, 1), dtype=np.int64)
    four = _double(_double(one))
    sixteen = _double(_double(four))
    parsed = tuple(
        np.array([[int(bit) for bit in row] for row in rows], dtype=np.int64)
        for rows in (_ORDER_28, _ORDER_36)
    )
    matrices = (four, sixteen, *parsed)
    for matrix in matrices:
        matrix.setflags(write=False)
    return matrices


@cache
def _paley_primes() -> frozenset[int]:
    """Primes p ≡ 3 (mod 4), 3 <= p <= 7919: R's ``small.primes`` list."""
    sieve = np.ones(_PALEY_LIMIT + 1, dtype=bool)
    sieve[:2] = False
    for value in range(2, int(_PALEY_LIMIT**0.5) + 1):
        if sieve[value]:
            sieve[value * value :: value] = False
    return frozenset(int(p) for p in np.flatnonzero(sieve) if p % 4 == 3)
