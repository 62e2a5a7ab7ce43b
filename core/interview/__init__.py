"""The guided interview behind ``jubao new`` (and, later, the local web app): questions as data, pure logic."""
