"""Opinion collections and surveys (民意征集 / 征集调查) with the one-month feedback rule."""
