"""The windows a person uses: playing the game, and watching an agent play."""
