# model/io/moves tests
